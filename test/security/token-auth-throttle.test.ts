import { randomBytes } from 'node:crypto';
import { api, createPat, basicAuth, startInstances, startTestServer, type Instances, type TestServer } from '../support/harness.js';
import { clientBasic, introspect, machineApp, registerApp, type ConfidentialApp } from '../support/oauth.js';

/**
 * Failed authentication with a token (the API) or a client secret (the introspection endpoint) is
 * limited per client address (docs/security.md#abuse-limits): past TOKEN_AUTH_FAILURES_PER_ADDRESS
 * in a window, 429 with Retry-After, and credentials the instance has not verified are refused
 * without a lookup; verified ones are never slowed down. Runs in both modes (memory; Redis shared
 * by two instances).
 */
const LIMIT = 5;
const from = (address: string) => ({ 'X-Forwarded-For': address });

describe('failed token authentication, per client address', () => {
  let server: TestServer;
  let owner: Awaited<ReturnType<TestServer['createUser']>>;
  let rs: ConfidentialApp;
  /** A well-formed PAT (prefix, length, checksum) that no one holds: each costs a lookup. */
  const unknownPat = () => server.container.patFormat.generate();
  const newPat = async () => (await createPat(server.url, owner.basic)).token;
  const getUser = (token: string, address: string, scheme = 'Bearer') =>
    api(server.url, 'GET', '/api/v1/user', { auth: scheme === 'Basic' ? basicAuth('git', token) : `${scheme} ${token}`, headers: from(address) });

  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', TOKEN_AUTH_FAILURES_PER_ADDRESS: String(LIMIT) });
    owner = await server.createUser('owner');
    rs = await registerApp(server.url, owner.basic, machineApp('resource server', { introspection: true }));
  });
  afterAll(() => server.close());

  it('the API: 401 for each bad token up to the limit, then 429 with Retry-After, whatever the scheme', async () => {
    const address = '203.0.113.1';
    const statuses: number[] = [];
    for (const scheme of ['Bearer', 'token', 'Basic', 'Bearer', 'Bearer', 'Bearer', 'token', 'Basic']) statuses.push((await getUser(unknownPat(), address, scheme)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const refused = await getUser(unknownPat(), address);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('slow_down');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Garbage (not even a token's shape) counts as well.
    expect((await getUser('not-a-token', '203.0.113.2')).status).toBe(401);
  });

  it('a token verified before is never slowed down; one never seen from a refused address waits, without a lookup', async () => {
    const address = '203.0.113.3';
    const verified = await newPat();
    const neverSeen = await newPat();
    expect((await getUser(verified, address)).status).toBe(200);
    for (let i = 0; i <= LIMIT; i++) await getUser(unknownPat(), address);
    expect((await getUser(unknownPat(), address)).status).toBe(429);
    for (let i = 0; i < 20; i++) expect((await getUser(verified, address)).status).toBe(200);
    // Valid, but this instance has not verified it: refused before the lookup that would tell.
    expect((await getUser(neverSeen, address)).status).toBe(429);
    // Other addresses are not affected; an IPv6 client counts by its /64.
    expect((await getUser(neverSeen, '203.0.113.4')).status).toBe(200);
    for (let i = 0; i <= LIMIT; i++) await getUser(unknownPat(), `2001:db8:7::${i + 1}`);
    expect((await getUser(unknownPat(), '2001:db8:7::ffff')).status).toBe(429);
    expect((await getUser(unknownPat(), '2001:db8:8::1')).status).toBe(401);
  });

  it('a request without credentials is no failed authentication', async () => {
    const address = '203.0.113.5';
    for (let i = 0; i < 3 * LIMIT; i++) expect((await api(server.url, 'GET', '/api/v1/user', { headers: from(address) })).status).toBe(401);
    expect((await getUser(unknownPat(), address)).status).toBe(401);
  });

  it('the introspection endpoint: an unknown client or a wrong secret counts; a verified caller asking about unknown tokens does not', async () => {
    const address = '203.0.113.6';
    const ask = (auth: string, token: string) => introspect(server.url, auth, { token }, from(address));
    // A verified caller's unknown tokens are ordinary answers, however many.
    for (let i = 0; i < 3 * LIMIT; i++) {
      const answer = await ask(rs.basic, unknownPat());
      expect([answer.status, answer.body.active]).toEqual([200, false]);
    }
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      const caller = i % 2 ? clientBasic(rs.client_id, `tcs_wrong${i}`) : clientBasic(randomBytes(16).toString('hex'), 'tcs_secret');
      statuses.push((await ask(caller, unknownPat())).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const refused = await ask(clientBasic(rs.client_id, 'tcs_wrong'), unknownPat());
    expect([refused.status, refused.body.error, Number(refused.headers.get('retry-after')) > 0]).toEqual([429, 'slow_down', true]);
    // The verified caller keeps being answered from the refused address.
    const token = await newPat();
    for (let i = 0; i < 10; i++) expect((await ask(rs.basic, token)).body.active).toBe(true);
  });

  it('the count ends with its window', async () => {
    const short = await startTestServer({ TRUST_PROXY: 'true', TOKEN_AUTH_FAILURES_PER_ADDRESS: '2', TOKEN_AUTH_WINDOW_SECONDS: '1' });
    try {
      const bad = () => api(short.url, 'GET', '/api/v1/user', { auth: `Bearer ${short.container.patFormat.generate()}`, headers: from('203.0.113.7') });
      expect([(await bad()).status, (await bad()).status, (await bad()).status]).toEqual([401, 401, 429]);
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await bad()).status).toBe(401);
    } finally {
      await short.close();
    }
  });
});

// With Redis, every instance counts together.
const describeShared = process.env.REDIS_URL ? describe : describe.skip;
describeShared('failed token authentication across instances', () => {
  let instances: Instances<TestServer[]>;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    const settings = { TRUST_PROXY: 'true', TOKEN_AUTH_FAILURES_PER_ADDRESS: String(LIMIT) };
    const started = await startInstances([settings, settings]);
    [a, b] = started.instances;
    instances = started;
  });
  afterAll(() => instances?.close());

  it('failures on one instance count on the other', async () => {
    const bad = (server: TestServer) =>
      api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${server.container.patFormat.generate()}`, headers: from('198.51.100.9') });
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await bad(i % 2 ? a : b)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});
