import { api, startTestServer, type TestServer } from '../support/harness.js';

/** `Tessera-Token-Expiration`, as GitHub's `GitHub-Authentication-Token-Expiration`: on every answer to a PAT-authenticated request. */
describe('Tessera-Token-Expiration', () => {
  let server: TestServer;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  const mint = async (body: Record<string, unknown>) => {
    const res = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'header', ...body } });
    expect(res.status).toBe(201);
    return res.body as { token: string; expires_at: string | null };
  };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
  });
  afterAll(() => server.close());

  it('names the expiry to the second, in UTC, on a success and on a 403 alike', async () => {
    const { token, expires_at } = await mint({ scopes: ['user'], expires_at: '2099-01-31T12:00:00.000Z' });
    expect(expires_at).toBe('2099-01-31T12:00:00.000Z');
    const ok = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('tessera-token-expiration')).toBe('2099-01-31 12:00:00 UTC');

    const narrow = await mint({ scopes: ['project:depot'], expires_at: '2098-06-01' });
    const refused = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${narrow.token}` });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('tessera-token-expiration')).toBe(`${narrow.expires_at!.slice(0, 10)} ${narrow.expires_at!.slice(11, 19)} UTC`);

    // As git sends it: the token as the Basic password.
    const git = await api(server.url, 'GET', '/api/v1/user', { auth: `Basic ${Buffer.from(`alice:${token}`).toString('base64')}` });
    expect(git.headers.get('tessera-token-expiration')).toBe('2099-01-31 12:00:00 UTC');
  });

  it('is absent for a token that never expires, and for a request no token authenticated', async () => {
    const { token, expires_at } = await mint({ scopes: ['user'], expires_at: null });
    expect(expires_at).toBeNull();
    const ok = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.has('tessera-token-expiration')).toBe(false);
    const bad = await api(server.url, 'GET', '/api/v1/user', { auth: 'Bearer tsp_notatoken' });
    expect(bad.status).toBe(401);
    expect(bad.headers.has('tessera-token-expiration')).toBe(false);
  });
});
