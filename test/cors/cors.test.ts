import { clientBasic, machineApp, registerApp, seedUserGrant, type ConfidentialApp } from '../support/oauth.js';
import { api, startTestServer, type TestServer } from '../support/harness.js';
import { WebClient } from '../support/web-client.js';

const ALLOWED = 'https://app.example';
const SPA = 'https://spa.example'; // a public app's redirect URI origin, not in CORS_ORIGINS
const REFUSED = 'https://evil.example';

type Answer = Awaited<ReturnType<typeof api>>;

const send = (server: TestServer, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> =>
  api(server.url, method, path, { headers, rawBody: body });

const preflight = (server: TestServer, path: string, origin: string, method = 'POST', requestHeaders = 'authorization,content-type') =>
  send(server, 'OPTIONS', path, { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': requestHeaders });

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** Credentials are never allowed cross-origin: no answer anywhere may say otherwise. */
function expectNoCredentials(res: Answer): void {
  expect(res.headers.get('access-control-allow-credentials')).toBeNull();
}

describe('CORS', () => {
  let server: TestServer;
  let alice: { username: string; basic: string; password: string };
  let pat: string;
  let rs: ConfidentialApp;

  beforeAll(async () => {
    server = await startTestServer({ CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` });
    alice = await server.createUser('alice');
    pat = (await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'spa', scopes: ['user'] } })).body.token;
    rs = await registerApp(server.url, alice.basic, machineApp('resource server', { introspection: true }));
  });
  afterAll(() => server.close());

  describe('the JSON API', () => {
    it('answers a preflight from an allowed origin: its methods, headers and an hour of caching, no credentials', async () => {
      const res = await preflight(server, '/api/v1/user/tokens', ALLOWED);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-methods')).toBe('GET,HEAD,POST,PATCH,DELETE');
      expect(res.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,Accept-Language,X-Request-Id');
      expect(res.headers.get('access-control-max-age')).toBe('3600');
      expect(res.headers.get('vary')).toMatch(/Origin/);
      expectNoCredentials(res);
    });

    it('answers a preflight from another origin without any CORS header, so the browser refuses', async () => {
      for (const origin of [REFUSED, 'null', `${ALLOWED}:8443`, 'http://app.example']) {
        const res = await preflight(server, '/api/v1/user/tokens', origin);
        expect(res.status).toBe(204);
        expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
      }
    });

    it('answers OPTIONS on an API route with 204 and the route\'s methods; an unknown path stays 404', async () => {
      expect((await send(server, 'OPTIONS', '/api/v1/user/tokens', {})).headers.get('allow')).toBe('HEAD, GET, POST, DELETE, OPTIONS');
      const one = await send(server, 'OPTIONS', '/api/v1/user/tokens/12', {});
      expect(one.status).toBe(204);
      expect(one.headers.get('allow')).toBe('HEAD, GET, PATCH, DELETE, OPTIONS');
      const unknown = await preflight(server, '/api/v1/nothing-here', ALLOWED);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: 'not_found', error_description: 'no route for OPTIONS /api/v1/nothing-here' });
    });

    it('lets an allowed origin read answers and the listed headers, errors included; another origin gets no CORS header', async () => {
      const ok = await send(server, 'GET', '/api/v1/user', { Origin: ALLOWED, Authorization: `Bearer ${pat}` });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(ok.headers.get('access-control-expose-headers')).toBe('Location,X-Total-Count,X-Request-Id,Retry-After,WWW-Authenticate,Tessera-Token-Expiration');
      expectNoCredentials(ok);
      const denied = await send(server, 'GET', '/api/v1/user', { Origin: ALLOWED, Authorization: 'Bearer tsp_nope' });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer/);

      const refused = await send(server, 'GET', '/api/v1/user', { Origin: REFUSED, Authorization: `Bearer ${pat}` });
      expect(refused.status).toBe(200); // answered, but the browser will not show it to the page
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const created = await send(server, 'POST', '/api/v1/user/tokens', { Origin: ALLOWED, Authorization: alice.basic, 'Content-Type': 'application/json' }, JSON.stringify({ name: 'from the spa', scopes: ['user'] }));
      expect(created.status).toBe(201);
      expect(created.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    });

    it('never authenticates a cross-origin request with the browser\'s session cookie, even from an allowed origin', async () => {
      const browser = new WebClient(server.url);
      expect((await browser.signIn(alice.username, alice.password)).status).toBe(303);
      expect((await browser.get('/api/v1/user/tokens')).status).toBe(200);
      expect((await browser.get('/api/v1/user/tokens', { Origin: server.url })).status).toBe(200);
      for (const origin of [ALLOWED, REFUSED, 'null']) {
        const res = await browser.get('/api/v1/user/tokens', { Origin: origin });
        expect(res.status).toBe(401);
        expect(JSON.parse(res.text).error).toBe('invalid_credentials');
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      }
    });
  });

  describe('the provider\'s endpoints (oidc-provider\'s own CORS, with Tessera\'s policy)', () => {
    let worker: ConfidentialApp;
    let rp: ConfidentialApp;
    let spa: { client_id: string };
    beforeAll(async () => {
      worker = await registerApp(server.url, alice.basic, machineApp('worker'));
      // Confidential, signing users in: its redirect URI is at https://rs.example.
      rp = await registerApp(server.url, alice.basic, { name: 'relying party', redirect_uris: ['https://rs.example/callback'], grant_types: ['authorization_code'] });
      spa = (await api(server.url, 'POST', '/api/v1/user/applications', {
        auth: alice.basic,
        body: { name: 'spa', type: 'public', redirect_uris: [`${SPA}/callback`], grant_types: ['authorization_code'] },
      })).body;
    });

    it('answers preflights for any origin (the client is not known yet), never with credentials', async () => {
      for (const origin of [ALLOWED, REFUSED]) {
        const res = await preflight(server, '/token', origin);
        expect(res.status).toBe(204);
        expect(res.headers.get('access-control-allow-origin')).toBe(origin);
        expect(res.headers.get('access-control-allow-methods')).toBe('POST');
        expectNoCredentials(res);
      }
    });

    it('token endpoint: CORS_ORIGINS may read the answer; another origin is refused with 400 and no CORS header', async () => {
      const body = form({ grant_type: 'client_credentials', scope: 'project' });
      const allowed = await send(server, 'POST', '/token', { ...FORM, Origin: ALLOWED, Authorization: worker.basic }, body);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expectNoCredentials(allowed);
      const refused = await send(server, 'POST', '/token', { ...FORM, Origin: REFUSED, Authorization: worker.basic }, body);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: 'invalid_request', error_description: `origin ${REFUSED} not allowed for client: ${worker.client_id}` });
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('a public app\'s own redirect-URI origin may call the revocation endpoint without any setting; others may not', async () => {
      const body = form({ client_id: spa.client_id, token: 'not-a-real-token' });
      const own = await send(server, 'POST', '/token/revocation', { ...FORM, Origin: SPA }, body);
      expect(own.status).toBe(200);
      expect(own.headers.get('access-control-allow-origin')).toBe(SPA);
      const other = await send(server, 'POST', '/token/revocation', { ...FORM, Origin: REFUSED }, body);
      expect(other.status).toBe(400);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      // A confidential app's redirect origin counts for nothing (its secret must not be in a browser).
      const confidential = await send(server, 'POST', '/token/revocation', { ...FORM, Origin: 'https://rs.example', Authorization: rp.basic }, form({ token: 'x' }));
      expect(confidential.status).toBe(400);
      expect(confidential.body.error_description).toBe(`origin https://rs.example not allowed for client: ${rp.client_id}`);
    });

    it('userinfo: the origin of a redirect URI of the token\'s app, or CORS_ORIGINS', async () => {
      const aliceId = (await server.container.users.getByUsername('alice')).id;
      const { accessToken } = await seedUserGrant(server, rp.client_id, aliceId, 'openid profile');
      for (const [origin, status] of [['https://rs.example', 200], [ALLOWED, 200], [REFUSED, 400]] as const) {
        const res = await send(server, 'GET', '/me', { Origin: origin, Authorization: `Bearer ${accessToken}` });
        expect(`${origin} ${res.status}`).toBe(`${origin} ${status}`);
        expect(res.headers.get('access-control-allow-origin')).toBe(status === 200 ? origin : null);
      }
    });
  });

  describe('the introspection endpoint (answered ahead of Koa) behaves like the provider\'s client endpoints', () => {
    it('answers preflights alike: any origin, POST, the requested headers, an hour', async () => {
      for (const origin of [ALLOWED, REFUSED]) {
        const ours = await preflight(server, '/token/introspection', origin);
        const providers = await preflight(server, '/token/revocation', origin);
        expect(ours.status).toBe(204);
        for (const header of ['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age', 'vary']) {
          expect(`${header}: ${ours.headers.get(header)}`).toBe(`${header}: ${providers.headers.get(header)}`);
        }
        expect(ours.headers.get('access-control-allow-origin')).toBe(origin);
        expectNoCredentials(ours);
      }
    });

    it('an allowed origin reads the answer; another is refused with 400 once the caller is known, without CORS headers', async () => {
      const body = form({ token: pat });
      const allowed = await send(server, 'POST', '/token/introspection', { ...FORM, Origin: ALLOWED, Authorization: rs.basic }, body);
      expect(allowed.status).toBe(200);
      expect(allowed.body.active).toBe(true);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(allowed.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
      expectNoCredentials(allowed);

      for (let i = 0; i < 2; i++) {
        // Twice: the second call takes the remembered-caller path.
        const refused = await send(server, 'POST', '/token/introspection', { ...FORM, Origin: REFUSED, Authorization: rs.basic }, body);
        expect(refused.status).toBe(400);
        expect(refused.body).toEqual({ error: 'invalid_request', error_description: `origin ${REFUSED} not allowed for client: ${rs.client_id}` });
        expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      }
      const garbage = await send(server, 'POST', '/token/introspection', { ...FORM, Origin: REFUSED, Authorization: rs.basic }, form({ token: 'garbage' }));
      expect(garbage.status).toBe(400);

      // Before the caller is known, the error is readable, as the provider's are.
      const unknownCaller = await send(server, 'POST', '/token/introspection', { ...FORM, Origin: REFUSED, Authorization: clientBasic('nobody', 'x') }, body);
      expect(unknownCaller.status).toBe(401);
      expect(unknownCaller.headers.get('access-control-allow-origin')).toBe(REFUSED);

      const serverSide = await send(server, 'POST', '/token/introspection', { ...FORM, Authorization: rs.basic }, body);
      expect(serverSide.status).toBe(200);
      expect(serverSide.headers.get('access-control-allow-origin')).toBeNull();
      expect(serverSide.headers.get('vary')).toBeNull();
    });
  });

  it('CORS_ORIGINS defaults to none: no origin may read the API', async () => {
    const plain = await startTestServer();
    try {
      const res = await preflight(plain, '/api/v1/user', ALLOWED, 'GET');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const worker = await registerApp(plain.url, (await plain.createUser('bob')).basic, machineApp('resource server'));
      const token = await send(plain, 'POST', '/token', { ...FORM, Origin: ALLOWED, Authorization: worker.basic }, form({ grant_type: 'client_credentials', scope: 'project' }));
      expect(token.status).toBe(400);
      expect(token.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
