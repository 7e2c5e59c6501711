import { api, basicAuth, productionMode, startInstances, startTestServer, type Instances, type TestServer } from '../support/harness.js';
import { clientCredentialsToken, introspect, machineApp, registerApp, type ConfidentialApp } from '../support/oauth.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';
const redisMode = productionMode && Boolean(process.env.REDIS_URL);

/** One sample of the text exposition: `name{labels} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** GET /metrics with the token, parsed (Prometheus text format 0.0.4: one sample per line, `#` comments). */
async function scrape(server: TestServer): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of match[2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { text, samples };
}

/** The value of the one sample with this name and (at least) these labels; 0 when absent. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value ?? 0;
}

describe('GET /metrics', () => {
  let server: TestServer;
  let alice: { username: string; password: string; basic: string };
  let rs: ConfidentialApp;

  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN });
    alice = await server.createUser('alice');
    rs = await registerApp(server.url, alice.basic, machineApp('resource server', { introspection: true }));
  });
  afterAll(() => server.close());

  describe('is protected by METRICS_TOKEN', () => {
    it('without credentials: 401 with a bare Bearer challenge and the JSON error', async () => {
      const res = await api(server.url, 'GET', '/metrics');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tessera-metrics"');
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'the metrics token is required' });
    });

    it.each([
      ['a wrong bearer token', `Bearer ${METRICS_TOKEN}x`],
      ['the token as a Basic password', basicAuth('prometheus', METRICS_TOKEN)],
      ['a user\'s password', 'Basic YWxpY2U6eA=='],
    ])('%s: 401 invalid_token with error="invalid_token" in the challenge', async (_, auth) => {
      const res = await api(server.url, 'GET', '/metrics', { auth });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tessera-metrics", error="invalid_token"');
      expect(res.body.error).toBe('invalid_token');
      expect(JSON.stringify(res.body)).not.toContain('tessera_');
    });

    it('is not served at all without METRICS_TOKEN (404), whatever is presented', async () => {
      const plain = await startTestServer();
      try {
        const res = await api(plain.url, 'GET', '/metrics', { auth: `Bearer ${METRICS_TOKEN}` });
        expect(res.status).toBe(404);
        expect(res.body.error).toBe('not_found');
      } finally {
        await plain.close();
      }
    });
  });

  it('counts requests by route pattern and status, never by raw path', async () => {
    const before = await scrape(server);
    const created = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'metrics', scopes: ['user'] } });
    expect(created.status).toBe(201);
    expect((await api(server.url, 'GET', `/api/v1/user/tokens/${created.body.id}`, { auth: alice.basic })).status).toBe(200);
    expect((await api(server.url, 'GET', '/api/v1/user/tokens/2147483647', { auth: alice.basic })).status).toBe(404);
    expect((await api(server.url, 'GET', '/api/v1/user/tokens/77', { auth: 'Basic bm9ib2R5Ong=' })).status).toBe(401);
    expect((await api(server.url, 'GET', `/no/such/${created.body.token}`)).status).toBe(404);
    expect((await api(server.url, 'GET', '/.well-known/openid-configuration')).status).toBe(200);
    const after = await scrape(server);

    const count = (samples: Sample[], method: string, route: string, status: string) =>
      valueOf(samples, 'tessera_http_request_duration_seconds_count', { method, route, status });
    const moved = (method: string, route: string, status: string) => count(after.samples, method, route, status) - count(before.samples, method, route, status);
    expect(moved('POST', '/api/v1/user/tokens', '201')).toBe(1);
    expect(moved('GET', '/api/v1/user/tokens/:id', '200')).toBe(1);
    expect(moved('GET', '/api/v1/user/tokens/:id', '404')).toBe(1);
    // Refused by the router-level password check, before the route itself ran: still its pattern.
    expect(moved('GET', '/api/v1/user/tokens/:id', '401')).toBe(1);
    expect(moved('GET', '(unmatched)', '404')).toBe(1);
    // The provider's own routes are labelled with its patterns too.
    expect(moved('GET', '/.well-known/openid-configuration', '200')).toBe(1);
    // A histogram: buckets and a sum next to the count.
    expect(valueOf(after.samples, 'tessera_http_request_duration_seconds_bucket', { method: 'POST', route: '/api/v1/user/tokens', status: '201', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(after.samples, 'tessera_http_request_duration_seconds_sum', { method: 'POST', route: '/api/v1/user/tokens', status: '201' })).toBeGreaterThan(0);

    const routes = new Set(after.samples.map((s) => s.labels.route).filter(Boolean));
    for (const route of routes) expect(route).toMatch(/^(\(unmatched\)|\/[A-Za-z0-9/._:-]*)$/);
    expect(routes).not.toContain(`/api/v1/user/tokens/${created.body.id}`);
    expect(routes).not.toContain('/api/v1/user/tokens/2147483647');
    expect(after.text).not.toContain(created.body.token);
    expect(after.text).not.toContain('/no/such');
  });

  it('counts introspection answers by token kind and result, and warm and cold lookups', async () => {
    const pat = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'introspected', scopes: ['user'] } });
    const revoked = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'revoked', scopes: ['user'] } });
    expect((await api(server.url, 'DELETE', `/api/v1/user/tokens/${revoked.body.id}`, { auth: alice.basic })).status).toBe(204);
    const accessToken = await clientCredentialsToken(server.url, rs, 'project');

    const before = await scrape(server);
    const answers = async (params: Record<string, string>, auth: string | null = rs.basic) => (await introspect(server.url, auth, params)).body;
    expect((await answers({ token: pat.body.token })).active).toBe(true); // cold: first read of this PAT
    expect((await answers({ token: pat.body.token })).active).toBe(true); // warm
    expect((await answers({ token: revoked.body.token })).active).toBe(false);
    expect((await answers({ token: accessToken })).active).toBe(true);
    expect((await answers({ token: 'not-a-token' })).active).toBe(false);
    expect((await answers({ token: pat.body.token }, null)).error).toBe('invalid_client');
    const after = await scrape(server);

    const moved = (name: string, labels: Record<string, string>) => valueOf(after.samples, name, labels) - valueOf(before.samples, name, labels);
    const answered = (kind: string, result: string) => moved('tessera_introspection_answers_total', { kind, result });
    expect(answered('personal_access_token', 'active')).toBe(2);
    expect(answered('personal_access_token', 'inactive')).toBe(1);
    expect(answered('access_token', 'active')).toBe(1);
    expect(answered('unknown', 'inactive')).toBe(1);
    expect(answered('unknown', 'error')).toBe(1);
    expect(answered('refresh_token', 'active')).toBe(0);

    const lookups = (cache: string, outcome: string) => moved('tessera_token_cache_lookups_total', { cache, outcome });
    expect(lookups('personal_access_token', 'cold')).toBeGreaterThanOrEqual(1);
    expect(lookups('personal_access_token', 'warm')).toBeGreaterThanOrEqual(1);
    expect(lookups('access_token', 'cold')).toBe(1);
    expect(lookups('introspection_caller', 'warm')).toBeGreaterThanOrEqual(1);
    expect(lookups('personal_access_token', 'fallback')).toBe(0);

    // Revocation-cache reads: Redis round trips in production mode, the in-process map otherwise.
    const store = redisMode ? 'redis' : 'memory';
    expect(moved('tessera_revocation_cache_read_duration_seconds_count', { store, result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(after.samples, 'tessera_revocation_cache_read_duration_seconds_sum', { store, result: 'ok' })).toBeGreaterThan(0);

    for (const secret of [pat.body.token, revoked.body.token, accessToken, rs.client_secret, rs.client_id]) expect(after.text).not.toContain(secret);
  });

  it('counts failed sign-ins and throttled attempts, without usernames or addresses', async () => {
    const mallory = basicAuth('mallory-target', 'wrong-password');
    const before = await scrape(server);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await api(server.url, 'GET', '/api/v1/user/tokens', { auth: mallory })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    const after = await scrape(server);
    expect(valueOf(after.samples, 'tessera_sign_in_failures_total') - valueOf(before.samples, 'tessera_sign_in_failures_total')).toBe(10);
    expect(valueOf(after.samples, 'tessera_sign_in_throttled_total') - valueOf(before.samples, 'tessera_sign_in_throttled_total')).toBe(1);
    expect(after.text).not.toContain('mallory');
    expect(after.text).not.toContain('127.0.0.1');
  });

  it('reports the database and Redis as /readyz sees them, and the default process metrics', async () => {
    const { samples } = await scrape(server);
    expect(valueOf(samples, 'tessera_dependency_up', { dependency: 'database' })).toBe(1);
    expect(samples.some((s) => s.name === 'tessera_dependency_up' && s.labels.dependency === 'redis')).toBe(redisMode);
    if (redisMode) expect(valueOf(samples, 'tessera_dependency_up', { dependency: 'redis' })).toBe(1);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(samples.map((s) => s.name)).toContain(name);
    }
  });
});

describe('metrics per instance', () => {
  let instances: Instances<TestServer[]>;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    const started = await startInstances([{ METRICS_TOKEN }, { METRICS_TOKEN }]);
    [first, second] = started.instances;
    instances = started;
  });
  afterAll(() => instances?.close());

  const scopesServed = async (server: TestServer) =>
    valueOf((await scrape(server)).samples, 'tessera_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/scopes', status: '200' });

  it('two instances in one process keep their own counts', async () => {
    const [firstBefore, secondBefore] = [await scopesServed(first), await scopesServed(second)];
    for (let i = 0; i < 3; i++) expect((await api(first.url, 'GET', '/api/v1/scopes')).status).toBe(200);
    expect(await scopesServed(first)).toBe(firstBefore + 3);
    expect(await scopesServed(second)).toBe(secondBefore);
  });

  it('a dependency that stops answering reads 0, as /readyz says', async () => {
    await second.container.dataSource.destroy();
    expect((await api(second.url, 'GET', '/readyz')).body.checks.database).toBe('down');
    expect(valueOf((await scrape(second)).samples, 'tessera_dependency_up', { dependency: 'database' })).toBe(0);
    expect(valueOf((await scrape(first)).samples, 'tessera_dependency_up', { dependency: 'database' })).toBe(1);
  });

  (redisMode ? it : it.skip)('with the revocation cache unreachable, lookups are counted as database fallbacks', async () => {
    const created = await api(first.url, 'POST', '/api/v1/user/tokens', {
      auth: (await first.createUser('fallback-user')).basic,
      body: { name: 'fallback', scopes: ['user'] },
    });
    await first.container.revocationCache.close(); // drops this instance's Redis connections for revocations
    const before = await scrape(first);
    expect((await api(first.url, 'GET', '/api/v1/user', { auth: `Bearer ${created.body.token}` })).status).toBe(200);
    const after = await scrape(first);
    const fallback = { cache: 'personal_access_token', outcome: 'fallback' };
    expect(valueOf(after.samples, 'tessera_token_cache_lookups_total', fallback) - valueOf(before.samples, 'tessera_token_cache_lookups_total', fallback)).toBe(1);
    expect(valueOf(after.samples, 'tessera_dependency_up', { dependency: 'redis' })).toBe(0);
  });
});
