import type * as oidc from 'openid-client';
import { UserEntity } from '../../src/entities/index.js';
import { PasswordHasher } from '../../src/security/password-hasher.js';
import { api, basicAuth, productionMode, startTestServer, type TestServer } from '../support/harness.js';
import { attempt, DOORS, oauthApp } from './sign-in-doors.js';

/**
 * Usernames and emails have one canonical form (issue 9, item 3; docs/security.md#usernames-and-emails-one-canonical-form).
 * On MariaDB `carol `, `cárol` and `cÄrol` used to find carol's row and each had a budget of guesses
 * of its own. The one folding there is, ASCII case (`Carol`, as a phone keyboard types it), leads
 * to carol herself: the same account, the same budget. This suite runs on SQLite and on MariaDB (npm run test:production) with the same
 * expectations: both must behave identically.
 */
const SPELLINGS = ['carol ', 'carol   ', ' carol', 'cárol', 'cÄrol', 'CÄROL', 'ｃａｒｏｌ', 'ＣＡＲＯＬ', 'carol\u200b', 'carol\t', 'carol\u0000'];
/** Carol in ASCII capitals: carol's own name, typed as keyboards do. */
const CASES = ['Carol', 'CAROL', 'cArOl'];

describe(`usernames on ${productionMode ? 'MariaDB' : 'SQLite'}`, () => {
  let server: TestServer;
  let rp: oidc.Configuration;
  let admin: Awaited<ReturnType<TestServer['createUser']>>;
  let carol: Awaited<ReturnType<TestServer['createUser']>>;
  let nextAddress = 1;
  const freshAddress = () => `198.18.0.${nextAddress++}`;

  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true' });
    rp = await oauthApp(server);
    admin = await server.createUser('root', { admin: true });
    carol = await server.createUser('carol');
  });
  afterAll(() => server.close());

  it.each(DOORS)('%s: no other spelling of carol signs in with her password', async (door) => {
    for (const spelling of SPELLINGS) {
      const answer = await attempt(server, door, freshAddress(), { username: spelling, password: carol.password }, rp);
      expect([spelling, answer.status]).toEqual([spelling, 401]);
    }
    expect((await attempt(server, door, freshAddress(), carol, rp)).signedIn).toBe(true);
  });

  it.each(DOORS)('%s: carol in ASCII capitals is carol', async (door) => {
    for (const username of CASES) {
      const answer = await attempt(server, door, freshAddress(), { username, password: carol.password }, rp);
      expect([username, answer.signedIn]).toEqual([username, true]);
    }
  });

  it('spellings get no guesses of their own once carol is locked at an address', async () => {
    const address = freshAddress();
    for (let i = 0; i < 10; i++) expect((await attempt(server, 'api', address, { username: 'carol', password: `guess-${i}` })).status).toBe(401);
    expect((await attempt(server, 'api', address, carol)).status).toBe(429);
    for (const spelling of SPELLINGS) {
      // Her password under another spelling is never checked against her account: no new budget, no sign-in.
      const answer = await attempt(server, 'api', address, { username: spelling, password: carol.password });
      expect([spelling, answer.signedIn, answer.status]).toEqual([spelling, false, 401]);
    }
    expect((await attempt(server, 'api', address, carol)).status).toBe(429);
    // Capitals are carol herself: locked with her, not a fresh budget.
    for (const username of CASES) expect((await attempt(server, 'api', address, { username, password: carol.password })).status).toBe(429);
  });

  it('a username is created only in its canonical form; an email under another case is the same email', async () => {
    const create = (username: string, email = `${username.trim().toLowerCase().replace(/[^a-z0-9]/g, '')}-x@example.test`) =>
      api(server.url, 'POST', '/api/v1/users', { auth: admin.basic, body: { username, email, password: 'long enough password' } });
    for (const username of ['Dave', 'dave ', ' dave', 'dáve', 'ｄａｖｅ', 'd'.repeat(40), '.dave', 'dave\u0000']) {
      const res = await create(username);
      expect([username, res.status, res.body.error]).toEqual([username, 400, 'invalid_request']);
      expect(res.body.error_description).toMatch(/^username/);
    }
    expect((await create('d'.repeat(39))).status).toBe(201);

    const created = await create('erin', 'Erin@Example.TEST');
    expect(created.status).toBe(201);
    expect(created.body.email).toBe('erin@example.test');
    const twin = await create('erin2', 'ERIN@example.test');
    expect(twin.status).toBe(409);
    expect(twin.body.error).toBe('conflict');
  });

  it('the admin API finds the tokens of carol under her name in capitals, and no other spelling (404)', async () => {
    const get = (name: string) => api(server.url, 'GET', `/api/v1/users/${encodeURIComponent(name)}/impersonation-tokens`, { auth: admin.basic });
    for (const name of CASES) expect([name, (await get(name)).status]).toEqual([name, 200]);
    for (const name of [...SPELLINGS, 'x'.repeat(300), "x' OR 1=1 --"]) expect([name, (await get(name)).status]).toEqual([name, 404]);
  });

  it('accounts created under the old rule (up to 64 characters) still sign in, under their name (ASCII case aside) only', async () => {
    const legacy = `legacy.${'l'.repeat(50)}-user_${'x'.repeat(1)}`;
    expect(legacy.length).toBeLessThanOrEqual(64);
    expect(legacy.length).toBeGreaterThan(39);
    const password = 'old but good password';
    const now = new Date();
    await server.container.dataSource.getRepository(UserEntity).save({
      username: legacy,
      email: 'legacy@example.test',
      displayName: 'Legacy',
      passwordHash: await new PasswordHasher(1024).hash(password),
      isAdmin: false,
      createdAt: now,
      updatedAt: now,
    });
    const me = (username: string) => api(server.url, 'GET', '/api/v1/user/tokens', { auth: basicAuth(username, password), headers: { 'X-Forwarded-For': freshAddress() } });
    expect((await me(legacy)).status).toBe(200);
    expect((await me(legacy.toUpperCase())).status).toBe(200);
    expect((await me(`${legacy} `)).status).toBe(401);
  });
});
