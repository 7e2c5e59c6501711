import { api, createPat, basicAuth, startTestServer, type TestServer } from '../support/harness.js';

const DAY = 86_400_000;

describe('GET /api/v1/user with a personal access token', () => {
  let server: TestServer;
  let ivy: Awaited<ReturnType<TestServer['createUser']>>;
  const mint = async (body: Record<string, unknown>) => {
    const res = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: ivy.basic, body: { name: 'pat', ...body } });
    expect(res.status).toBe(201);
    return res.body as { id: number; token: string };
  };
  const me = (auth?: string, headers?: Record<string, string>) => api(server.url, 'GET', '/api/v1/user', { auth, headers });
  const record = (id: number) => api(server.url, 'GET', `/api/v1/user/tokens/${id}`, { auth: ivy.basic }).then((r) => r.body);

  /** 401 + RFC 6750 invalid_token challenge, never anything else. */
  const expectInvalidToken = (res: { status: number; headers: Headers; body: any }) => {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
  };

  beforeAll(async () => {
    server = await startTestServer();
    ivy = await server.createUser('ivy');
  });
  afterAll(() => server.close());

  it('accepts the token as Bearer, as "token", and as the Basic password', async () => {
    const { token } = await mint({ scopes: ['user'] });
    for (const auth of [`Bearer ${token}`, `token ${token}`, `bearer ${token}`, basicAuth('ivy', token)]) {
      const res = await me(auth);
      expect([auth, res.status]).toEqual([auth, 200]);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({ id: expect.any(Number), username: 'ivy', name: 'ivy', admin: false, created_at: expect.any(String) });
    }
  });

  it('shows the email only with user:email', async () => {
    const without = await me(`Bearer ${(await mint({ scopes: ['user'] })).token}`);
    expect(without.body).not.toHaveProperty('email');
    const withEmail = await me(`Bearer ${(await mint({ scopes: ['user', 'user:email'] })).token}`);
    expect(withEmail.status).toBe(200);
    expect(withEmail.body.email).toBe('ivy@example.test');
  });

  it('needs scope user: 403 insufficient_scope naming it', async () => {
    const { token } = await mint({ scopes: ['notification', 'project:depot'] });
    const res = await me(`Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="user"');
  });

  it('no token → 401 with a Bearer challenge; the user\'s password is not a token', async () => {
    const none = await me();
    expect(none.status).toBe(401);
    // As the issue asks: missing is answered like invalid, error code included.
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
    expect(none.headers.get('www-authenticate')).toContain('Basic realm="tessera"');
    expectInvalidToken(await me(ivy.basic));
    for (const malformed of ['Bearer', 'Basic !!!', 'Digest abc', 'Bearer a b']) {
      const res = await me(malformed);
      expect([malformed, res.status]).toEqual([malformed, 401]);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
  });

  it('garbage, over-long, bad-checksum and unknown well-formed strings → 401 invalid_token, never 500', async () => {
    const { token } = await mint({ scopes: ['user'] });
    const flipLast = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const flipRandom = token.slice(0, 10) + (token[10] === 'x' ? 'y' : 'x') + token.slice(11);
    const unknown = server.container.patFormat.generate(); // valid checksum, never issued
    const candidates = [
      'garbage',
      'tsp_',
      token.slice(0, -1),
      `${token}x`,
      flipLast,
      flipRandom,
      token.replace('tsp_', 'tsx_'),
      token.toLowerCase(),
      unknown,
      'x'.repeat(5000),
      `tsp_${'a'.repeat(9000)}`,
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
      "tsp_' OR 1=1 --",
    ];
    // Malformed strings are refused by their shape alone (prefix, length, alphabet, checksum), before any lookup.
    for (const malformed of [flipLast, flipRandom, token.slice(0, -1), `${token}x`]) {
      expect(server.container.patFormat.isWellFormed(malformed)).toBe(false);
    }
    for (const candidate of candidates) {
      for (const auth of [`Bearer ${candidate}`, basicAuth('ivy', candidate)]) {
        const res = await me(auth);
        if (res.status !== 401) throw new Error(`${candidate.slice(0, 40)} answered ${res.status}`);
        if (!candidate.includes(' ')) expectInvalidToken(res);
      }
    }
    expect((await me(`Bearer ${token}`)).status).toBe(200);
  });

  it('an expired token → 401 invalid_token (TestClock)', async () => {
    const { token } = await mint({ scopes: ['user'], expires_in_days: 7 });
    expect((await me(`Bearer ${token}`)).status).toBe(200);
    server.clock.advance(7 * DAY + 1000);
    try {
      expectInvalidToken(await me(`Bearer ${token}`));
      expectInvalidToken(await me(`token ${token}`));
    } finally {
      server.clock.advance(-(7 * DAY + 1000));
    }
    expect((await me(`Bearer ${token}`)).status).toBe(200);
  });

  it('a revoked or deleted token → 401 invalid_token, at once', async () => {
    const admin = await server.createUser('admin-cu', { admin: true });
    const imp = await api(server.url, 'POST', '/api/v1/users/ivy/impersonation-tokens', { auth: admin.basic, body: { name: 'imp', scopes: ['user'] } });
    expect((await me(`Bearer ${imp.body.token}`)).status).toBe(200);
    await api(server.url, 'DELETE', `/api/v1/users/ivy/impersonation-tokens/${imp.body.id}`, { auth: admin.basic });
    expectInvalidToken(await me(`Bearer ${imp.body.token}`));

    const { id, token } = await mint({ scopes: ['user'] });
    expect((await me(`Bearer ${token}`)).status).toBe(200);
    await api(server.url, 'DELETE', `/api/v1/user/tokens/${id}`, { auth: ivy.basic });
    expectInvalidToken(await me(basicAuth('ivy', token)));
  });

  it('honours the IP allowlist: the test client comes from 127.0.0.1', async () => {
    const outside = await mint({ scopes: ['user'], ip_allowlist: ['203.0.113.0/24', '2001:db8::/32'] });
    expectInvalidToken(await me(`Bearer ${outside.token}`));
    // Without TRUST_PROXY, X-Forwarded-For is not believed.
    expectInvalidToken(await me(`Bearer ${outside.token}`, { 'X-Forwarded-For': '203.0.113.9' }));
    expect((await record(outside.id)).last_used_at).toBeNull();

    const inside = await mint({ scopes: ['user'], ip_allowlist: ['203.0.113.0/24', '127.0.0.0/8'] });
    expect((await me(`Bearer ${inside.token}`)).status).toBe(200);
    const exact = await mint({ scopes: ['user'], ip_allowlist: ['127.0.0.1'] });
    expect((await me(`Bearer ${exact.token}`)).status).toBe(200);
  });

  it('records last_used_at and last_used_ip, at most once a minute (TestClock)', async () => {
    const { id, token } = await mint({ scopes: ['user'] });
    expect(await record(id)).toMatchObject({ last_used_at: null, last_used_ip: null });

    const t0 = server.clock.now().getTime();
    expect((await me(`Bearer ${token}`)).status).toBe(200);
    const first = await eventually(() => record(id), (r) => r.last_used_at !== null);
    expect(first.last_used_ip).toBe('127.0.0.1');
    const firstUse = Date.parse(first.last_used_at);
    expect(firstUse).toBeGreaterThanOrEqual(t0);

    // Within the minute: more uses write nothing.
    server.clock.advance(30_000);
    expect((await me(`Bearer ${token}`)).status).toBe(200);
    expect((await me(`token ${token}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 150));
    expect(Date.parse((await record(id)).last_used_at)).toBe(firstUse);

    // After it: the next use is recorded.
    server.clock.advance(31_000);
    expect((await me(`Bearer ${token}`)).status).toBe(200);
    const later = await eventually(() => record(id), (r) => Date.parse(r.last_used_at) !== firstUse);
    expect(Date.parse(later.last_used_at)).toBeGreaterThanOrEqual(firstUse + 61_000);
    expect(later.last_used_ip).toBe('127.0.0.1');
  });
});

describe('GET /api/v1/user behind a trusted reverse proxy (TRUST_PROXY=true)', () => {
  let server: TestServer;
  let jay: Awaited<ReturnType<TestServer['createUser']>>;

  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true' });
    jay = await server.createUser('jay');
  });
  afterAll(() => server.close());

  it('takes the client address from the proxy\'s X-Forwarded-For entry, not one the client wrote', async () => {
    const res = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: jay.basic, body: { name: 'p', scopes: ['user'], ip_allowlist: ['203.0.113.0/24'] } });
    const { id, token } = res.body;
    const me = (xff?: string) => api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}`, headers: xff ? { 'X-Forwarded-For': xff } : {} });

    expect((await me()).status).toBe(401); // 127.0.0.1 itself
    expect((await me('198.51.100.7')).status).toBe(401);
    // A client cannot smuggle an allowed address in front of what the proxy appended.
    expect((await me('203.0.113.9, 198.51.100.7')).status).toBe(401);
    expect((await me('203.0.113.9')).status).toBe(200);
    const used = await eventually(
      () => api(server.url, 'GET', `/api/v1/user/tokens/${id}`, { auth: jay.basic }).then((r) => r.body),
      (r) => r.last_used_ip !== null,
    );
    expect(used.last_used_ip).toBe('203.0.113.9');
  });

  it('matches IPv6 clients against IPv6 ranges, and IPv4-mapped addresses against IPv4 ranges', async () => {
    const res = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: jay.basic, body: { name: 'v6', scopes: ['user'], ip_allowlist: ['2001:db8:1::/48', '203.0.113.0/24'] } });
    const me = (xff: string) => api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${res.body.token}`, headers: { 'X-Forwarded-For': xff } });
    expect((await me('2001:db8:1::5')).status).toBe(200);
    expect((await me('2001:db8:2::5')).status).toBe(401);
    expect((await me('::ffff:203.0.113.20')).status).toBe(200);
    expect((await me('::ffff:198.51.100.1')).status).toBe(401);
    expect((await me('not-an-ip')).status).toBe(401);
  });

  it('records the canonical address: IPv4-mapped as IPv4, and no address when the proxy sent junk', async () => {
    const create = (name: string) => createPat(server.url, jay.basic, { name });
    const record = (id: number) => api(server.url, 'GET', `/api/v1/user/tokens/${id}`, { auth: jay.basic }).then((r) => r.body);
    const mapped = await create('mapped');
    await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${mapped.token}`, headers: { 'X-Forwarded-For': '::ffff:203.0.113.9' } });
    expect((await eventually(() => record(mapped.id), (r) => r.last_used_at !== null)).last_used_ip).toBe('203.0.113.9');

    const junk = await create('junk');
    const res = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${junk.token}`, headers: { 'X-Forwarded-For': `junk-${'x'.repeat(60)}` } });
    expect(res.status).toBe(200);
    const used = await eventually(() => record(junk.id), (r) => r.last_used_at !== null);
    expect(used.last_used_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(used.last_used_ip).toBeNull();
  });
});

/** Polls until `done` holds (last_used_at is written after the response, off the hot path). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 2000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}
