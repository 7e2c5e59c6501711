import { api, startTestServer, type TestServer } from '../support/harness.js';

describe('discovery', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])('%s lists every endpoint and the registry’s scopes', async (path) => {
    const res = await api(server.url, 'GET', path);
    expect(res.status).toBe(200);
    const meta = res.body;
    expect(meta.issuer).toBe(server.url);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'device_authorization_endpoint', 'revocation_endpoint', 'introspection_endpoint', 'jwks_uri']) {
      expect(typeof meta[endpoint]).toBe('string');
      expect(meta[endpoint].startsWith(server.url)).toBe(true);
    }
    expect([...meta.scopes_supported].sort()).toEqual([...server.container.scopes.names()].sort());
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access', 'user', 'project:depot']));
    expect(meta.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code']),
    );
    expect(meta.grant_types_supported).not.toContain('implicit');
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('publishes only public signing keys', async () => {
    const meta = (await api(server.url, 'GET', '/.well-known/openid-configuration')).body;
    const jwks = await api(server.url, 'GET', new URL(meta.jwks_uri).pathname);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.body.keys) {
      expect(key.kid).toBeTruthy();
      expect(key.d).toBeUndefined();
      expect(key.p).toBeUndefined();
    }
    expect(jwks.body.keys.map((k: { kty: string }) => k.kty)).toContain('RSA');
  });
});
