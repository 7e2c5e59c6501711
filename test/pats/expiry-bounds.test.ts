import { api, productionMode, startTestServer, type TestServer } from '../support/harness.js';
import { WebClient } from '../support/web-client.js';

/**
 * Expiry dates end up in DATETIME(3) columns (MariaDB) and in TypeORM's four-digit-year text
 * (SQLite), which both stop at 9999-12-31T23:59:59.999Z. A later date used to be a 500 on
 * MariaDB and, on SQLite, a 201 whose token read back as year 0000 (dead at once). Every door
 * must refuse it with a 400 instead, and the latest date must round-trip exactly, in both modes.
 */
describe(`token expiry stays within what the database stores (${productionMode ? 'MariaDB' : 'SQLite'})`, () => {
  let server: TestServer;
  let nora: Awaited<ReturnType<TestServer['createUser']>>;
  let admin: Awaited<ReturnType<TestServer['createUser']>>;

  beforeAll(async () => {
    server = await startTestServer();
    nora = await server.createUser('nora');
    admin = await server.createUser('root', { admin: true });
  });
  afterAll(() => server.close());

  const createToken = (body: Record<string, unknown>, auth = nora.basic, path = '/api/v1/user/tokens') =>
    api(server.url, 'POST', path, { auth, body: { name: 'far', scopes: ['user'], ...body } });

  const beyond = [
    '9999-12-31T23:59:59-14:00', // 10000-01-01T13:59:59Z: the date of the report
    '9999-12-31T23:00:00-01:00', // exactly 10000-01-01T00:00:00Z
    '9999-12-31T23:59:59.999-00:01',
  ];

  it.each(beyond)('expires_at %s is a 400 naming the limit, on create, impersonation and regenerate', async (expiresAt) => {
    const id = (await createToken({ expires_in_days: 1 })).body.id;
    for (const res of [
      await createToken({ expires_at: expiresAt }),
      await createToken({ expires_at: expiresAt }, admin.basic, '/api/v1/users/nora/impersonation-tokens'),
      await api(server.url, 'POST', `/api/v1/user/tokens/${id}/regenerate`, { auth: nora.basic, body: { expires_at: expiresAt } }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/^expires_at: .*9999-12-31T23:59:59\.999Z/) });
    }
  });

  it.each([
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'], // the latest instant both databases store
    ['9999-12-31T23:59:59.999+00:00', '9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:59:59+14:00', '9999-12-31T09:59:59.000Z'],
    ['9999-12-31', '9999-12-31T00:00:00.000Z'],
    ['2030-06-30T18:00:00+08:00', '2030-06-30T10:00:00.000Z'],
    ['2030-06-30T18:00:00.5-09:30', '2030-07-01T03:30:00.500Z'],
  ])('expires_at %s is stored and read back as %s, and the token works', async (expiresAt, stored) => {
    const created = await createToken({ expires_at: expiresAt });
    expect(created.status).toBe(201);
    expect(created.body.expires_at).toBe(stored);
    const read = await api(server.url, 'GET', `/api/v1/user/tokens/${created.body.id}`, { auth: nora.basic });
    expect(read.body).toMatchObject({ expires_at: stored, active: true });
    const me = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${created.body.token}` });
    expect(me.status).toBe(200);
  });

  it('the web form refuses a date beyond the limit with the form error, and accepts the last day', async () => {
    const web = new WebClient(server.url);
    await web.signIn(nora.username, nora.password);
    const _csrf = await web.csrf('/settings/tokens/new');
    const form = { _csrf, name: 'far', scopes: 'user', expiry: 'custom' };
    const refused = await web.post('/settings/tokens', { ...form, expires_on: '9999-12-31T23:59:59-14:00' });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/role="alert"[^]*Expiration: must be no later than 9999-12-31T23:59:59\.999Z/);
    expect((await web.post('/settings/tokens', { ...form, expires_on: '9999-12-31' })).status).toBe(303);
  });

  it('a lifetime in days that would end past the limit is a 400 too (server clock in year 9950)', async () => {
    server.clock.advance(Date.UTC(9950, 0, 1) - server.clock.now().getTime());
    const refused = await createToken({ expires_in_days: 36500 });
    expect(refused.status).toBe(400);
    expect(refused.body.error_description).toMatch(/9999-12-31T23:59:59\.999Z/);
    const accepted = await createToken({ expires_in_days: 30 });
    expect(accepted.status).toBe(201);
    expect(accepted.body.expires_at).toMatch(/^9950-01-31T00:00:/);
  });
});
