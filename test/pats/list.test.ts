import { api, startTestServer, type TestServer } from '../support/harness.js';

const DAY = 86_400_000;

describe('GET /api/v1/user/tokens', () => {
  let server: TestServer;
  let carol: Awaited<ReturnType<TestServer['createUser']>>;
  const list = (query = '') => api(server.url, 'GET', `/api/v1/user/tokens${query}`, { auth: carol.basic });
  const names = (body: { name: string }[]) => body.map((t) => t.name).sort();
  let ids: Record<string, number>;

  beforeAll(async () => {
    server = await startTestServer();
    carol = await server.createUser('carol');
    const other = await server.createUser('dan');
    const create = async (body: Record<string, unknown>, who = carol) => {
      const res = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: who.basic, body: { scopes: ['user'], ...body } });
      expect(res.status).toBe(201);
      return res.body.id as number;
    };
    ids = {
      deploy: await create({ name: 'deploy bot', description: 'pushes releases' }),
      laptop: await create({ name: 'laptop', description: 'git over https', expires_in_days: 7 }),
      old: await create({ name: 'old one', description: 'to be revoked' }),
      wild: await create({ name: '100%_done', description: null }),
      odd: await create({ name: "c:\\it's!", description: 'quotes and escapes' }),
    };
    await create({ name: 'dan deploy', description: 'not carol' }, other);
    // 'old one' is revoked by an admin-style revoke; 'laptop' is made to expire below.
    const owner = await server.container.users.getByUsername('carol');
    await server.container.pats.revoke(owner, ids.old!, 'personal');
  });
  afterAll(() => server.close());

  it('lists only the caller\'s tokens, newest first, with every field and X-Total-Count', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-total-count')).toBe('5');
    expect(res.body.map((t: { id: number }) => t.id)).toEqual([ids.odd, ids.wild, ids.old, ids.laptop, ids.deploy]);
    const deploy = res.body.find((t: { id: number }) => t.id === ids.deploy);
    expect(Object.keys(deploy).sort()).toEqual(
      ['id', 'name', 'description', 'scopes', 'token_last_four', 'created_at', 'expires_at', 'last_used_at', 'last_used_ip', 'revoked', 'active', 'impersonation', 'ip_allowlist',
        'last_used_ips', 'last_used_user_agent', 'inactive_reason', 'secret_issued_at', 'previous_secret_valid_until'].sort(),
    );
    expect(deploy).toMatchObject({
      name: 'deploy bot',
      description: 'pushes releases',
      scopes: ['user'],
      token_last_four: expect.stringMatching(/^[0-9A-Za-z]{4}$/),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      expires_at: null,
      last_used_at: null,
      last_used_ip: null,
      revoked: false,
      active: true,
      impersonation: false,
      ip_allowlist: [],
    });
    expect(res.body.find((t: { id: number }) => t.id === ids.old)).toMatchObject({ revoked: true, active: false });
  });

  it('filters by state: revoked and expired tokens are inactive', async () => {
    expect(names((await list('?state=active')).body)).toEqual(['100%_done', "c:\\it's!", 'deploy bot', 'laptop']);
    expect(names((await list('?state=inactive')).body)).toEqual(['old one']);
    expect((await list('?state=all')).headers.get('x-total-count')).toBe('5');

    server.clock.advance(8 * DAY);
    try {
      const all = await list();
      expect(all.body.find((t: { id: number }) => t.id === ids.laptop)).toMatchObject({ revoked: false, active: false });
      const active = await list('?state=active');
      expect(names(active.body)).toEqual(['100%_done', "c:\\it's!", 'deploy bot']);
      expect(active.headers.get('x-total-count')).toBe('3');
      expect(names((await list('?state=inactive')).body)).toEqual(['laptop', 'old one']);
    } finally {
      server.clock.advance(-8 * DAY);
    }
  });

  it('searches name and description, treating LIKE wildcards literally', async () => {
    expect(names((await list('?search=deploy')).body)).toEqual(['deploy bot']);
    expect(names((await list('?search=HTTPS')).body)).toEqual(['laptop']); // description, any case
    expect(names((await list(`?search=${encodeURIComponent('%_')}`)).body)).toEqual(['100%_done']);
    for (const literal of ['\\', "'", '!', "\\it's!"]) {
      expect([literal, names((await list(`?search=${encodeURIComponent(literal)}`)).body)]).toEqual([literal, ["c:\\it's!"]]);
    }
    const none = await list('?search=nothing-like-this');
    expect(none.body).toEqual([]);
    expect(none.headers.get('x-total-count')).toBe('0');
    const combined = await list('?search=o&state=inactive');
    expect(names(combined.body)).toEqual(['old one']);
  });

  it('pages with offset and limit; X-Total-Count is the whole count', async () => {
    const page1 = await list('?limit=3');
    expect(page1.body).toHaveLength(3);
    expect(page1.headers.get('x-total-count')).toBe('5');
    const page2 = await list('?limit=3&offset=3');
    expect(page2.body.map((t: { id: number }) => t.id)).toEqual([ids.laptop, ids.deploy]);
    expect(page2.headers.get('x-total-count')).toBe('5');
    expect((await list('?offset=10')).body).toEqual([]);
    expect((await list('?limit=100')).body).toHaveLength(5);
    expect((await list('?limit=1')).body).toHaveLength(1);
  });

  it('shows 20 tokens per page by default', async () => {
    const mike = await server.createUser('mike');
    const owner = await server.container.users.getByUsername('mike');
    for (let i = 0; i < 21; i++) await server.container.pats.create(owner, { name: `t${i}`, scopes: ['user'] });
    const res = await api(server.url, 'GET', '/api/v1/user/tokens', { auth: mike.basic });
    expect(res.body).toHaveLength(20);
    expect(res.headers.get('x-total-count')).toBe('21');
  });

  it.each([
    ['?limit=0', /^limit/],
    ['?limit=101', /^limit/],
    ['?limit=abc', /^limit/],
    ['?limit=2.5', /^limit/],
    ['?offset=-1', /^offset/],
    ['?offset=99999999999', /^offset/],
    ['?state=expired', /^state/],
    [`?search=${'x'.repeat(101)}`, /^search/],
  ])('refuses %s with 400', async (query, field) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(field);
  });
});
