import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { api, startTestServer, type TestServer } from '../support/harness.js';
import { deviceApp, machineApp, postForm, registerApp, type ConfidentialApp } from '../support/oauth.js';

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
      // Each key is named by its RFC 7638 thumbprint.
      expect(key.kid).toBe(await calculateJwkThumbprint(key));
      expect(key.d).toBeUndefined();
      expect(key.p).toBeUndefined();
    }
    expect(jwks.body.keys.map((k: { kty: string }) => k.kty)).toContain('RSA');
  });

  describe('endpoint metadata says what the endpoints accept', () => {
    let meta: Record<string, any>;
    let owner: string;
    let resourceServer: ConfidentialApp;

    beforeAll(async () => {
      meta = (await api(server.url, 'GET', '/.well-known/openid-configuration')).body;
      const user = await server.createUser('disco', { password: 'disco-password-1' });
      owner = user.basic;
      resourceServer = await registerApp(server.url, owner, machineApp('rs', { introspection: true }));
    });

    it('lists the introspection and revocation auth methods and the introspection signing algorithm', async () => {
      expect(meta.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
      expect(meta.revocation_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
      expect(meta.introspection_signing_alg_values_supported).toEqual(['RS256']);
      const rfc8414 = (await api(server.url, 'GET', '/.well-known/oauth-authorization-server')).body;
      for (const key of ['introspection_endpoint_auth_methods_supported', 'revocation_endpoint_auth_methods_supported', 'introspection_signing_alg_values_supported']) {
        expect(rfc8414[key]).toEqual(meta[key]);
      }
    });

    it('the introspection endpoint accepts each advertised method and refuses a client with no secret', async () => {
      const { client_id, client_secret } = resourceServer;
      const byMethod: Record<string, () => Promise<{ status: number }>> = {
        client_secret_basic: () => postForm(meta.introspection_endpoint, { token: 'x' }, { Authorization: resourceServer.basic }),
        client_secret_post: () => postForm(meta.introspection_endpoint, { token: 'x', client_id, client_secret }),
      };
      expect(Object.keys(byMethod)).toEqual(meta.introspection_endpoint_auth_methods_supported);
      for (const call of Object.values(byMethod)) expect((await call()).status).toBe(200);
      const none = await postForm(meta.introspection_endpoint, { token: 'x', client_id });
      expect(none.status).toBe(401);
      expect(meta.introspection_endpoint_auth_methods_supported).not.toContain('none');
    });

    it('the revocation endpoint accepts each advertised method, none for public apps', async () => {
      const publicApp = await registerApp(server.url, owner, deviceApp('cli'));
      const { client_id, client_secret } = resourceServer;
      const byMethod: Record<string, () => Promise<{ status: number }>> = {
        client_secret_basic: () => postForm(meta.revocation_endpoint, { token: 'not-a-token' }, { Authorization: resourceServer.basic }),
        client_secret_post: () => postForm(meta.revocation_endpoint, { token: 'not-a-token', client_id, client_secret }),
        none: () => postForm(meta.revocation_endpoint, { token: 'not-a-token', client_id: publicApp.client_id }),
      };
      expect(Object.keys(byMethod)).toEqual(meta.revocation_endpoint_auth_methods_supported);
      for (const [method, call] of Object.entries(byMethod)) expect([method, (await call()).status]).toEqual([method, 200]);
      // A confidential app cannot skip its secret.
      expect((await postForm(meta.revocation_endpoint, { token: 'not-a-token', client_id })).status).toBe(401);
    });

    it('a JWT introspection answer is signed with an advertised algorithm, verifiable with the published keys', async () => {
      const res = await fetch(meta.introspection_endpoint, {
        method: 'POST',
        headers: {
          Authorization: resourceServer.basic,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/token-introspection+jwt',
        },
        body: 'token=x',
      });
      expect(res.status).toBe(200);
      const jwt = await res.text();
      expect(meta.introspection_signing_alg_values_supported).toContain(decodeProtectedHeader(jwt).alg);
      const jwks = (await api(server.url, 'GET', new URL(meta.jwks_uri).pathname)).body;
      const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { algorithms: meta.introspection_signing_alg_values_supported });
      expect(payload).toMatchObject({ token_introspection: { active: false } });
    });
  });
});
