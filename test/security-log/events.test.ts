import { api, startTestServer, type TestServer } from '../support/harness.js';
import { codeFlow, registerApp, relyingParty } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

const AGENT = 'security-log-events/1.0';
type Entry = Record<string, any>;
type Person = Awaited<ReturnType<TestServer['createUser']>>;

/** Sign-ins, grants, app and account deletion in the security log: who, from where, never a secret. */
describe('the security log records sign-ins, grants and deletions', () => {
  let server: TestServer;
  let admin: Person;
  const call = (method: string, path: string, auth?: string, body?: unknown) => api(server.url, method, path, { auth, body, headers: { 'User-Agent': AGENT } });
  const adminLog = async (query: string): Promise<Entry[]> => {
    const res = await call('GET', `/api/v1/admin/security-log?limit=100&${query}`, admin.basic);
    expect(res.status).toBe(200);
    return res.body as Entry[];
  };
  const ownLog = async (who: Person, query = ''): Promise<Entry[]> => {
    const res = await call('GET', `/api/v1/user/security-log?limit=100&${query}`, who.basic);
    expect(res.status).toBe(200);
    return res.body as Entry[];
  };
  const browser = () => new WebClient(server.url, { 'User-Agent': AGENT });

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.createUser('root', { admin: true });
  });
  afterAll(() => server.close());

  it('records web sign-ins, and failures at every door: the account when the name is one, never the password, nothing of an unknown name', async () => {
    const carol = await server.createUser('carol');
    const web = browser();
    expect((await web.signIn('carol', carol.password)).status).toBe(303);
    expect((await browser().signIn('carol', 'carols-wrong-password')).status).toBe(401);
    expect((await browser().signIn('nosuchname-x7', 'typed-into-the-name-box')).status).toBe(401);
    expect((await call('GET', '/api/v1/user/tokens', `Basic ${Buffer.from('carol:basic-wrong-password').toString('base64')}`)).status).toBe(401);
    expect((await call('GET', '/api/v1/user/tokens', `Basic ${Buffer.from('c4r0l-p4ssw0rd:whatever-pass').toString('base64')}`)).status).toBe(401);

    const carols = await ownLog(carol, 'action=user.sign_in_failed');
    expect(carols.map((e) => e.details)).toEqual([
      { door: 'api', reason: 'wrong_password' },
      { door: 'web', reason: 'wrong_password' },
    ]);
    for (const e of carols) expect(e).toMatchObject({ user: 'carol', actor: null, actor_id: null, user_agent: AGENT, ip: expect.stringMatching(/127\.0\.0\.1|::1/) });

    const signedIn = await ownLog(carol, 'action=user.signed_in');
    expect(signedIn).toEqual([expect.objectContaining({ user: 'carol', actor: 'carol', user_agent: AGENT, details: { door: 'web' } })]);
    // HTTP Basic signs in on every call: its successes are not sign-ins worth a line.
    expect((await ownLog(carol)).filter((e) => e.action === 'user.signed_in')).toHaveLength(1);

    const unknown = (await adminLog('action=user.sign_in_failed')).filter((e) => e.user_id === null);
    expect(unknown.map((e) => e.details)).toEqual([
      { door: 'api', reason: 'unknown_user' },
      { door: 'web', reason: 'unknown_user' },
    ]);
    const raw = JSON.stringify(await adminLog(''));
    for (const secret of ['carols-wrong-password', 'typed-into-the-name-box', 'basic-wrong-password', 'whatever-pass', carol.password, 'nosuchname-x7', 'c4r0l-p4ssw0rd']) {
      expect(raw).not.toContain(secret);
    }
  });

  it('records the OAuth sign-in, the grant given with its scopes, and the grant revoked by its user', async () => {
    const dan = await server.createUser('dan');
    const app = await registerApp(server.url, admin.basic, { name: 'Logged app' });
    const rp = await relyingParty(server.url, app);
    const tokens = await codeFlow(rp, browser(), dan, { scope: 'openid profile user', prompt: 'consent' });

    const given = await ownLog(dan, 'action=oauth.grant_given');
    expect(given).toEqual([expect.objectContaining({ user: 'dan', actor: 'dan', client_id: app.client_id, user_agent: AGENT })]);
    expect([...given[0]!.details.scopes].sort()).toEqual(['openid', 'profile', 'user']);
    const signedIn = await ownLog(dan, 'action=user.signed_in');
    expect(signedIn).toEqual([expect.objectContaining({ client_id: app.client_id, details: { door: 'oauth' }, user_agent: AGENT })]);

    const listed = await call('GET', '/api/v1/user/authorizations', dan.basic);
    const revoked = await call('DELETE', `/api/v1/user/authorizations/${encodeURIComponent(listed.body[0].id)}`, dan.basic);
    expect(revoked.status).toBe(204);
    const entries = await ownLog(dan, 'action=oauth.grant_revoked');
    expect(entries).toEqual([expect.objectContaining({ user: 'dan', actor: 'dan', client_id: app.client_id, user_agent: AGENT, details: expect.objectContaining({ reason: 'owner' }) })]);
    const raw = JSON.stringify(await ownLog(dan));
    expect(raw).not.toContain(tokens.access_token);
    expect(raw).not.toContain(dan.password);
  });

  it('records an OAuth sign-in that fails, with the app it was for', async () => {
    const erin = await server.createUser('erin');
    const app = await registerApp(server.url, admin.basic, { name: 'Failing app' });
    const rp = await relyingParty(server.url, app);
    await expect(codeFlow(rp, browser(), { username: 'erin', password: 'erins-wrong-one' }, { scope: 'openid' })).rejects.toThrow();
    const failed = await ownLog(erin, 'action=user.sign_in_failed');
    expect(failed).toEqual([expect.objectContaining({ client_id: app.client_id, details: { door: 'oauth', reason: 'wrong_password' } })]);
    expect(JSON.stringify(failed)).not.toContain('erins-wrong-one');
  });

  it('records the grants and tokens an app deletion takes, in each user\'s log, with the owner as actor', async () => {
    const owner = await server.createUser('frank');
    const user = await server.createUser('gwen');
    const app = await registerApp(server.url, owner.basic, { name: 'Doomed app' });
    const rp = await relyingParty(server.url, app);
    await codeFlow(rp, browser(), user, { scope: 'openid offline_access user', prompt: 'consent' });
    expect((await call('DELETE', `/api/v1/user/applications/${app.id}`, owner.basic)).status).toBe(204);

    const gwens = (await ownLog(user)).filter((e) => e.details?.reason === 'app_deleted');
    expect(gwens.map((e) => [e.action, e.token_kind]).sort()).toEqual([
      ['oauth.grant_revoked', null],
      ['token.revoked', 'access_token'],
      ['token.revoked', 'refresh_token'],
    ]);
    for (const e of gwens) expect(e).toMatchObject({ user: 'gwen', actor: 'frank', client_id: app.client_id, user_agent: AGENT, details: expect.objectContaining({ application: 'Doomed app' }) });
    expect(gwens.find((e) => e.token_kind === 'access_token')!.details.count).toBe(1);
  });

  it('records accounts created and deleted by an administrator, and each live token the deletion revoked', async () => {
    const created = await call('POST', '/api/v1/users', admin.basic, { username: 'hank', email: 'hank@example.test', password: 'hanks-password-1234' });
    expect(created.status).toBe(201);
    const hank: Person = { username: 'hank', password: 'hanks-password-1234', basic: `Basic ${Buffer.from('hank:hanks-password-1234').toString('base64')}` };
    const pats = [];
    for (const name of ['one', 'two', 'gone']) pats.push((await call('POST', '/api/v1/user/tokens', hank.basic, { name, scopes: ['user'] })).body);
    expect((await call('DELETE', `/api/v1/user/tokens/${pats[2].id}`, hank.basic)).status).toBe(204);
    expect((await call('DELETE', '/api/v1/users/hank', admin.basic)).status).toBe(204);

    const hanks = await adminLog('user=hank');
    expect(hanks.find((e) => e.action === 'user.created')).toMatchObject({ actor: 'root', user_agent: AGENT, details: { admin: false } });
    expect(hanks.find((e) => e.action === 'user.deleted')).toMatchObject({ actor: 'root', user_agent: AGENT, details: { tokens_revoked: 2 } });
    const revoked = hanks.filter((e) => e.action === 'token.revoked' && e.details.reason === 'user_deleted');
    expect(revoked.map((e) => e.token_id).sort()).toEqual([pats[0].id, pats[1].id].sort());
    for (const e of revoked) expect(e).toMatchObject({ actor: 'root', token_kind: 'personal_access_token', hashed_token: expect.stringMatching(/=$/) });
    const raw = JSON.stringify(hanks);
    for (const p of pats) expect(raw).not.toContain(p.token);
    expect(raw).not.toContain('hanks-password-1234');
  });
});
