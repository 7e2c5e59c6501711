import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resourceServerApp } from '../../examples/resource-server/app.js';
import { IntrospectionClient } from '../../examples/resource-server/introspection-client.js';
import { ScopeCatalog } from '../../examples/resource-server/scope-catalog.js';
import { api, createPat, basicAuth, startTestServer, type TestEnvironment, type TestServer } from '../support/harness.js';
import { machineApp, registerApp } from '../support/oauth.js';

/** The API-team template in examples/resource-server (its own app: GET /projects needs `project`), against a real Tessera. */
describe('examples/resource-server', () => {
  let tessera: TestServer & { environment: TestEnvironment };
  let alice: { basic: string };
  let rsUrl: string;
  let rs: http.Server;

  beforeAll(async () => {
    tessera = await startTestServer();
    alice = await tessera.createUser('alice');
    const app = await registerApp(tessera.url, alice.basic, machineApp('resource server', { introspection: true }));
    // cacheSeconds 0: every request asks Tessera, so the revocation below is seen at once.
    const introspection = new IntrospectionClient({ endpoint: `${tessera.url}/token/introspection`, clientId: app.client_id, clientSecret: app.client_secret, cacheSeconds: 0 });
    const scopes = new ScopeCatalog(`${tessera.url}/api/v1/scopes`);
    rs = http.createServer(resourceServerApp({ introspection, scopes }).callback());
    await new Promise<void>((resolve) => rs.listen(0, '127.0.0.1', resolve));
    rsUrl = `http://127.0.0.1:${(rs.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    rs?.close();
    await tessera.close();
  });

  const newPat = (body: Record<string, unknown>) => createPat(tessera.url, alice.basic, body);

  it('serves a token with the scope, refuses one without it, and stops serving a revoked one', async () => {
    const good = await newPat({ scopes: ['project'] });
    const ok = await api(rsUrl, 'GET', '/projects', { auth: `Bearer ${good.token}` });
    expect(ok.status).toBe(200);
    expect(ok.body.owner).toBe('alice');

    const narrow = await newPat({ scopes: ['user'] });
    const denied = await api(rsUrl, 'GET', '/projects', { auth: `Bearer ${narrow.token}` });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toContain('insufficient_scope');

    expect((await api(tessera.url, 'DELETE', `/api/v1/user/tokens/${good.id}`, { auth: alice.basic })).status).toBe(204);
    const revoked = await api(rsUrl, 'GET', '/projects', { auth: `Bearer ${good.token}` });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('a scope that implies the required one is enough (project:depot ⇒ project), as Tessera’s registry says', async () => {
    const depot = await newPat({ scopes: ['project:depot'] });
    const ok = await api(rsUrl, 'GET', '/projects', { auth: `Bearer ${depot.token}` });
    expect(ok.status).toBe(200);
    expect(ok.body.owner).toBe('alice');
    // The implication goes one way only.
    const user = await newPat({ scopes: ['user:email'] });
    expect((await api(rsUrl, 'GET', '/projects', { auth: `Bearer ${user.token}` })).status).toBe(403);
  });

  it('takes the token as git sends it (Basic user:token) and as GitHub spells it (token …); offers Basic so git prompts', async () => {
    const pat = await newPat({ scopes: ['project:depot'] });
    for (const auth of [basicAuth('alice', pat.token), basicAuth('anything', pat.token), `token ${pat.token}`]) {
      expect([auth.split(' ')[0], (await api(rsUrl, 'GET', '/projects', { auth })).status]).toEqual([auth.split(' ')[0], 200]);
    }
    const anonymous = await api(rsUrl, 'GET', '/projects');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/Basic realm="api"/);
    const wrong = await api(rsUrl, 'GET', '/projects', { auth: basicAuth('alice', 'not-a-token') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/error="invalid_token".*Basic realm/);
    expect((await api(rsUrl, 'GET', '/projects', { auth: basicAuth('alice', '') })).status).toBe(401);
  });

  it('answers 503, not 500, when Tessera cannot be reached', async () => {
    const down = new IntrospectionClient({ endpoint: 'http://127.0.0.1:9/token/introspection', clientId: 'x', clientSecret: 'y', cacheSeconds: 0 });
    const server = http.createServer(resourceServerApp({ introspection: down, scopes: new ScopeCatalog('http://127.0.0.1:9/api/v1/scopes') }).callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await api(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'GET', '/projects', { auth: 'Bearer tsp_x' });
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
    } finally {
      server.close();
    }
  });

  it('its cache never serves an answer given for another end-user address', async () => {
    const app = await registerApp(tessera.url, alice.basic, machineApp('cached rs', { introspection: true }));
    const cached = new IntrospectionClient({ endpoint: `${tessera.url}/token/introspection`, clientId: app.client_id, clientSecret: app.client_secret, cacheSeconds: 60 });
    const pat = await newPat({ scopes: ['project'], ip_allowlist: ['198.51.100.0/24'] });
    expect((await cached.introspect(pat.token, '198.51.100.7')).active).toBe(true);
    expect((await cached.introspect(pat.token, '203.0.113.9')).active).toBe(false);
  });

  it('passes the end user address on, so IP allowlists apply', async () => {
    const inside = await newPat({ scopes: ['project'], ip_allowlist: ['127.0.0.0/8', '::1/128'] });
    expect((await api(rsUrl, 'GET', '/projects', { auth: `Bearer ${inside.token}` })).status).toBe(200);
    const outside = await newPat({ scopes: ['project'], ip_allowlist: ['203.0.113.0/24'] });
    expect((await api(rsUrl, 'GET', '/projects', { auth: `Bearer ${outside.token}` })).status).toBe(401);
  });
});
