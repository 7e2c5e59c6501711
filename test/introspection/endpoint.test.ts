import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { api, createPat, basicAuth, startTestServer, type TestServer, type TestEnvironment } from '../support/harness.js';
import { clientBasic, clientCredentialsToken, introspect, machineApp, registerApp, seedUserGrant, type ConfidentialApp } from '../support/oauth.js';

describe('POST /token/introspection (RFC 7662) answers for every token kind', () => {
  let server: TestServer & { environment: TestEnvironment };
  let alice: { username: string; basic: string };
  let aliceId: number;
  let rs: ConfidentialApp;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    aliceId = (await server.container.users.getByUsername('alice')).id;
    rs = await registerApp(server.url, alice.basic, machineApp('resource server', { introspection: true }));
  });
  afterAll(() => server.close());

  const newPat = (body: Record<string, unknown> = {}) => createPat(server.url, alice.basic, { scopes: ['user', 'project'], ...body });

  it('is what discovery advertises, in front of the provider', async () => {
    const discovery = await api(server.url, 'GET', '/.well-known/openid-configuration');
    expect(new URL(discovery.body.introspection_endpoint).pathname).toBe('/token/introspection');
  });

  describe('caller authentication', () => {
    it('without client credentials: 401 invalid_client with a Basic challenge', async () => {
      const pat = await newPat();
      const res = await introspect(server.url, null, { token: pat.token });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    });

    it('a wrong secret or an unknown client: 401 invalid_client', async () => {
      for (const auth of [clientBasic(rs.client_id, 'tcs_wrong'), clientBasic('no-such-client', rs.client_secret), 'Bearer abc']) {
        const res = await introspect(server.url, auth, { token: 'x' });
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
      }
    });

    it('a client without the introspection permission: 403 unauthorized_client', async () => {
      const other = await registerApp(server.url, alice.basic, machineApp('resource server'));
      const res = await introspect(server.url, other.basic, { token: (await newPat()).token });
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('unauthorized_client');
      expect(res.text).not.toContain('"active"');
    });

    it('client_secret_post works as well as client_secret_basic', async () => {
      const pat = await newPat();
      const res = await introspect(server.url, null, { token: pat.token, client_id: rs.client_id, client_secret: rs.client_secret });
      expect(res.status).toBe(200);
      expect(res.body.active).toBe(true);
    });

    it('client_secret_basic parts are form-urlencoded (RFC 6749 §2.3.1): an escaped secret is decoded first', async () => {
      const pat = await newPat();
      const escape = (v: string) => v.replace(/[_-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      const escaped = basicAuth(escape(rs.client_id), escape(rs.client_secret));
      expect(escaped).not.toBe(rs.basic);
      expect((await introspect(server.url, escaped, { token: pat.token })).body.active).toBe(true);
      const broken = await introspect(server.url, basicAuth(rs.client_id, `${rs.client_secret}%E0%A4%A`), { token: pat.token });
      expect(broken.status).toBe(401);
    });

    it('a body that is not a form, repeats a parameter or is too large: 400 / 413, never 500', async () => {
      const post = (body: string, type = 'application/x-www-form-urlencoded') =>
        fetch(`${server.url}/token/introspection`, { method: 'POST', headers: { Authorization: rs.basic, 'Content-Type': type }, body });
      const json = await post(JSON.stringify({ token: 'x' }), 'application/json');
      expect(json.status).toBe(400);
      expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
      const repeated = await post('token=a&token=b');
      expect(repeated.status).toBe(400);
      expect(((await repeated.json()) as { error_description: string }).error_description).toContain('token');
      expect((await post(`token=${'a'.repeat(70 * 1024)}`)).status).toBe(413);
    });

    it('a missing token parameter: 400 invalid_request', async () => {
      const res = await introspect(server.url, rs.basic, {});
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('HTTP contract (the endpoint is answered ahead of the Koa app, and must behave like it)', () => {
    it('sends the no-store, security and request-id headers; echoes a sane X-Request-Id, replaces an unsafe one', async () => {
      const pat = await newPat();
      const echoed = await introspect(server.url, rs.basic, { token: pat.token }, { 'X-Request-Id': 'rs-trace.42' });
      expect(echoed.status).toBe(200);
      expect(echoed.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(echoed.headers.get('cache-control')).toBe('no-store');
      expect(echoed.headers.get('pragma')).toBe('no-cache');
      expect(echoed.headers.get('x-content-type-options')).toBe('nosniff');
      expect(echoed.headers.get('referrer-policy')).toBe('no-referrer');
      expect(echoed.headers.get('x-request-id')).toBe('rs-trace.42');
      const replaced = await introspect(server.url, rs.basic, { token: 'garbage' }, { 'X-Request-Id': 'bad id<script>' });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const failed = await introspect(server.url, null, { token: 'garbage' }, { 'X-Request-Id': 'rs-trace.43' });
      expect(failed.status).toBe(401);
      expect(failed.headers.get('x-request-id')).toBe('rs-trace.43');
      expect(failed.headers.get('cache-control')).toBe('no-store');
    });

    it('other methods: 405 with Allow: POST and an OAuth-style error body', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await fetch(`${server.url}/token/introspection`, { method, headers: { Authorization: rs.basic } });
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')).toBe('POST');
        expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'method not allowed' });
      }
    });

    it('answers at the advertised path with a trailing slash or a query string too (never the provider\'s PAT-blind handler)', async () => {
      const pat = await newPat();
      for (const path of ['/token/introspection/', '/token/introspection?x=1', '/Token/Introspection']) {
        const res = await fetch(server.url + path, {
          method: 'POST',
          headers: { Authorization: rs.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: pat.token }),
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { token_kind?: string }).token_kind).toBe('personal_access_token');
      }
    });

    it('a burst of concurrent calls mixing callers and token kinds: every answer is its own', async () => {
      const active = await newPat();
      const revoked = await newPat();
      expect((await api(server.url, 'DELETE', `/api/v1/user/tokens/${revoked.id}`, { auth: alice.basic })).status).toBe(204);
      const accessToken = await clientCredentialsToken(server.url, rs, 'project');
      const stranger = await registerApp(server.url, alice.basic, machineApp('resource server'));
      const wrongSecret = clientBasic(rs.client_id, `${rs.client_secret}x`);
      const cases: { auth: string; token: string; expect: (r: { status: number; body: any }) => void }[] = [
        { auth: rs.basic, token: active.token, expect: (r) => expect(r.body).toMatchObject({ active: true, pat_id: active.id }) },
        { auth: rs.basic, token: revoked.token, expect: (r) => expect(r.body).toEqual({ active: false }) },
        { auth: rs.basic, token: accessToken, expect: (r) => expect(r.body).toMatchObject({ active: true, token_kind: 'access_token', client_id: rs.client_id }) },
        { auth: rs.basic, token: 'garbage', expect: (r) => expect(r.body).toEqual({ active: false }) },
        { auth: wrongSecret, token: active.token, expect: (r) => expect([r.status, r.body.error]).toEqual([401, 'invalid_client']) },
        { auth: stranger.basic, token: active.token, expect: (r) => expect([r.status, r.body.error]).toEqual([403, 'unauthorized_client']) },
      ];
      const burst = Array.from({ length: 8 }, () => cases).flat();
      const answers = await Promise.all(burst.map((c) => introspect(server.url, c.auth, { token: c.token })));
      answers.forEach((answer, i) => burst[i]!.expect(answer));
    });
  });

  describe('personal access tokens', () => {
    it('active: RFC 7662 members plus token_kind, pat_id, impersonation and rotated', async () => {
      const pat = await newPat({ expires_in_days: 30 });
      const res = await introspect(server.url, rs.basic, { token: pat.token });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        active: true,
        scope: 'user project',
        username: 'alice',
        sub: String(aliceId),
        token_type: 'Bearer',
        exp: Math.floor(new Date(pat.expires_at!).getTime() / 1000),
        iat: expect.any(Number),
        iss: server.config.issuer,
        token_kind: 'personal_access_token',
        pat_id: pat.id,
        impersonation: false,
        rotated: false,
      });
    });

    it('malformed, bad-checksum, over-long, unknown and expired tokens are exactly {"active":false}', async () => {
      const pat = await newPat({ expires_in_days: 7 });
      const badChecksum = pat.token.slice(0, -1) + (pat.token.endsWith('A') ? 'B' : 'A');
      const deleted = await newPat();
      expect((await api(server.url, 'DELETE', `/api/v1/user/tokens/${deleted.id}`, { auth: alice.basic })).status).toBe(204);
      for (const token of ['garbage', badChecksum, 'tsp_' + 'a'.repeat(5000), deleted.token, 'A'.repeat(43)]) {
        const res = await introspect(server.url, rs.basic, { token });
        expect(res.status).toBe(200);
        expect(res.text).toBe('{"active":false}');
      }
      expect((await introspect(server.url, rs.basic, { token: pat.token })).body.active).toBe(true);
      server.clock.advance(8 * 24 * 3600 * 1000);
      try {
        expect((await introspect(server.url, rs.basic, { token: pat.token })).text).toBe('{"active":false}');
      } finally {
        server.clock.advance(-8 * 24 * 3600 * 1000);
      }
    });

    it('end_user_ip: a PAT with an IP allowlist is active only from inside it', async () => {
      const pat = await newPat({ ip_allowlist: ['203.0.113.0/24', '2001:db8::/32'] });
      const answer = async (ip?: string) => (await introspect(server.url, rs.basic, { token: pat.token, ...(ip ? { end_user_ip: ip } : {}) })).body;
      expect((await answer('203.0.113.7')).active).toBe(true);
      expect((await answer('2001:db8::1')).active).toBe(true);
      expect(await answer('198.51.100.1')).toEqual({ active: false });
      expect(await answer()).toEqual({ active: false });
      const bad = await introspect(server.url, rs.basic, { token: pat.token, end_user_ip: 'not-an-ip' });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_request');
    });

    it('an impersonation token says so', async () => {
      const admin = await server.createUser('root', { admin: true });
      const res = await api(server.url, 'POST', '/api/v1/users/alice/impersonation-tokens', { auth: admin.basic, body: { name: 'support', scopes: ['user'] } });
      expect(res.status).toBe(201);
      const body = (await introspect(server.url, rs.basic, { token: res.body.token })).body;
      expect(body).toMatchObject({ active: true, username: 'alice', impersonation: true, pat_id: res.body.id, token_kind: 'personal_access_token' });
    });
  });

  describe('OAuth access tokens', () => {
    it('a client-credentials token: active with client_id, then inactive once expired', async () => {
      const token = await clientCredentialsToken(server.url, rs, 'project');
      const res = await introspect(server.url, rs.basic, { token });
      expect(res.body).toEqual({
        active: true,
        scope: 'project',
        client_id: rs.client_id,
        sub: rs.client_id,
        token_type: 'Bearer',
        exp: expect.any(Number),
        iat: expect.any(Number),
        iss: server.config.issuer,
        token_kind: 'access_token',
      });
      server.clock.advance((res.body.exp - res.body.iat + 1) * 1000);
      try {
        expect((await introspect(server.url, rs.basic, { token })).text).toBe('{"active":false}');
      } finally {
        server.clock.advance(-(res.body.exp - res.body.iat + 1) * 1000);
      }
    });

    it("a user's access token: active with username, usable on Tessera's own API", async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'web app', grant_types: ['authorization_code', 'refresh_token'] });
      const { accessToken } = await seedUserGrant(server, app.client_id, aliceId, 'openid user');
      const res = await introspect(server.url, rs.basic, { token: accessToken });
      expect(res.body).toMatchObject({ active: true, scope: 'openid user', client_id: app.client_id, username: 'alice', sub: String(aliceId), token_kind: 'access_token' });
      expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${accessToken}` })).status).toBe(200);
    });

    it('an unknown token of the right shape is inactive', async () => {
      expect((await introspect(server.url, rs.basic, { token: 'B'.repeat(43), token_type_hint: 'access_token' })).text).toBe('{"active":false}');
    });
  });

  describe('OAuth refresh tokens', () => {
    it('active with token_kind refresh_token, whatever the hint; never a bearer credential', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'cli', grant_types: ['authorization_code', 'refresh_token'] });
      const { refreshToken } = await seedUserGrant(server, app.client_id, aliceId, 'openid offline_access user');
      for (const hint of [undefined, 'refresh_token', 'access_token', 'personal_access_token', 'nonsense']) {
        const res = await introspect(server.url, rs.basic, { token: refreshToken, ...(hint ? { token_type_hint: hint } : {}) });
        expect(res.body).toMatchObject({
          active: true,
          client_id: app.client_id,
          username: 'alice',
          scope: 'openid offline_access user',
          token_type: 'refresh_token',
          token_kind: 'refresh_token',
        });
      }
      const asBearer = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${refreshToken}` });
      expect(asBearer.status).toBe(401);
    });
  });

  describe('RFC 9701 JWT response', () => {
    const accept = { Accept: 'application/token-introspection+jwt' };

    it('is signed with the provider key and verifies against the JWKS endpoint', async () => {
      const pat = await newPat();
      const json = await introspect(server.url, rs.basic, { token: pat.token });
      const res = await introspect(server.url, rs.basic, { token: pat.token }, accept);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/token-introspection\+jwt/);
      expect(decodeProtectedHeader(res.text).typ).toBe('token-introspection+jwt');
      const discovery = await api(server.url, 'GET', '/.well-known/openid-configuration');
      const jwks = createRemoteJWKSet(new URL(`${server.url}${new URL(discovery.body.jwks_uri).pathname}`));
      const { payload } = await jwtVerify(res.text, jwks, { issuer: server.config.issuer, audience: rs.client_id, typ: 'token-introspection+jwt' });
      expect(payload.token_introspection).toEqual(json.body);
    });

    it('says inactive the same way', async () => {
      const res = await introspect(server.url, rs.basic, { token: 'garbage' }, accept);
      const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
      const { payload } = await jwtVerify(res.text, jwks, { audience: rs.client_id });
      expect(payload.token_introspection).toEqual({ active: false });
    });
  });
});
