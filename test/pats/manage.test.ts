import { api, startTestServer, type TestServer } from '../support/harness.js';

const DAY = 86_400_000;

describe('one token: GET, PATCH, regenerate, DELETE; and delete all', () => {
  let server: TestServer;
  let erin: Awaited<ReturnType<TestServer['createUser']>>;
  let frank: Awaited<ReturnType<TestServer['createUser']>>;
  const as = (who: { basic: string }) => ({
    create: (body: Record<string, unknown>) => api(server.url, 'POST', '/api/v1/user/tokens', { auth: who.basic, body: { scopes: ['user'], ...body } }),
    get: (id: number | string) => api(server.url, 'GET', `/api/v1/user/tokens/${id}`, { auth: who.basic }),
    patch: (id: number | string, body: unknown) => api(server.url, 'PATCH', `/api/v1/user/tokens/${id}`, { auth: who.basic, body }),
    regenerate: (id: number | string, body?: unknown) => api(server.url, 'POST', `/api/v1/user/tokens/${id}/regenerate`, { auth: who.basic, body }),
    remove: (id: number | string) => api(server.url, 'DELETE', `/api/v1/user/tokens/${id}`, { auth: who.basic }),
    list: () => api(server.url, 'GET', '/api/v1/user/tokens', { auth: who.basic }),
  });
  const currentUser = (token: string) => api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });

  beforeAll(async () => {
    server = await startTestServer();
    erin = await server.createUser('erin');
    frank = await server.createUser('frank');
  });
  afterAll(() => server.close());

  it('GET returns the record without the secret; unknown and malformed ids → 404', async () => {
    const created = (await as(erin).create({ name: 'get-me', scopes: ['user', 'notification'] })).body;
    const res = await as(erin).get(created.id);
    expect(res.status).toBe(200);
    const { token, ...record } = created;
    expect(res.body).toEqual(record);
    expect(JSON.stringify(res.body)).not.toContain(token);

    const missing = await as(erin).get(999999);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
    // An id that cannot exist is a missing record too: 404, the same answer, nothing to learn.
    for (const bad of ['abc', '0', '-1', '1.5', '1e3', '0x1f', '%2012', '01', '2147483648', '99999999999', 'a'.repeat(200)]) {
      const res = await as(erin).get(bad);
      expect([bad, res.status, res.body.error]).toEqual([bad, 404, 'not_found']);
    }
  });

  it('PATCH changes name, description, scopes and ip_allowlist, and the change bites at once', async () => {
    const created = (await as(erin).create({ name: 'patch-me', description: 'before', scopes: ['user'] })).body;
    expect((await currentUser(created.token)).status).toBe(200); // warm any cache

    const patched = await as(erin).patch(created.id, { name: 'patched', description: 'after', scopes: ['notification'], ip_allowlist: ['192.0.2.0/24'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: created.id, name: 'patched', description: 'after', scopes: ['notification'], ip_allowlist: ['192.0.2.0/24'] });
    expect(patched.body).not.toHaveProperty('token');
    expect((await as(erin).get(created.id)).body).toMatchObject({ name: 'patched', description: 'after', scopes: ['notification'], ip_allowlist: ['192.0.2.0/24'] });
    // The allowlist now excludes 127.0.0.1.
    expect((await currentUser(created.token)).status).toBe(401);

    const widened = await as(erin).patch(created.id, { ip_allowlist: null, scopes: ['user', 'user:email'] });
    expect(widened.body).toMatchObject({ name: 'patched', scopes: ['user', 'user:email'], ip_allowlist: [] });
    const me = await currentUser(created.token);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('erin@example.test');

    // Narrowing scopes takes effect on the very next request.
    await as(erin).patch(created.id, { scopes: ['notification'] });
    expect((await currentUser(created.token)).status).toBe(403);

    const cleared = await as(erin).patch(created.id, { description: null });
    expect(cleared.body.description).toBeNull();
  });

  it('PATCH validates its input', async () => {
    const { id } = (await as(erin).create({ name: 'validate-me' })).body;
    const cases: [unknown, number, string | RegExp][] = [
      [{}, 400, /at least one/],
      [{ name: '' }, 400, /^name/],
      [{ scopes: [] }, 400, /^scopes/],
      [{ scopes: ['nope:nope'] }, 400, 'nope:nope'],
      [{ ip_allowlist: ['10.0.0.0/99'] }, 400, /ip_allowlist/],
      [{ expires_in_days: 7 }, 400, /expires_in_days/],
      [{ token: 'tsp_x' }, 400, /token/],
    ];
    for (const [body, status, message] of cases) {
      const res = await as(erin).patch(id, body);
      expect([body, res.status]).toEqual([body, status]);
      expect(res.body.error_description).toMatch(message);
    }
    expect((await as(erin).patch(id, { scopes: ['nope:nope'] })).body.error).toBe('invalid_scope');
    const malformed = await api(server.url, 'PATCH', `/api/v1/user/tokens/${id}`, { auth: erin.basic, rawBody: '{' });
    expect(malformed.status).toBe(400);
    // Nothing changed.
    expect((await as(erin).get(id)).body).toMatchObject({ name: 'validate-me', scopes: ['user'] });
  });

  it('regenerate gives a new secret for the same record; the old one stops working at once', async () => {
    const created = (await as(erin).create({ name: 'rotate-me', expires_in_days: 30 })).body;
    expect((await currentUser(created.token)).status).toBe(200);
    expect((await currentUser(created.token)).status).toBe(200); // warm

    const res = await as(erin).regenerate(created.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ id: created.id, name: 'rotate-me', expires_at: created.expires_at, active: true });
    expect(res.body.token).toMatch(/^tsp_/);
    expect(res.body.token).not.toBe(created.token);
    expect(res.body.token_last_four).toBe(res.body.token.slice(-4));

    expect((await currentUser(created.token)).status).toBe(401);
    expect((await currentUser(res.body.token)).status).toBe(200);
    expect((await as(erin).get(created.id)).body).not.toHaveProperty('token');

    // A new expiry may be given with the regeneration.
    const again = await as(erin).regenerate(created.id, { expires_in_days: 7 });
    expect(again.status).toBe(200);
    expect(Date.parse(again.body.expires_at)).toBeLessThan(Date.parse(created.expires_at));
    expect((await as(erin).get(created.id)).body.expires_at).toBe(again.body.expires_at);
    expect((await currentUser(res.body.token)).status).toBe(401);
    expect((await currentUser(again.body.token)).status).toBe(200);
  });

  it('regenerating an expired token needs a new expiry', async () => {
    const created = (await as(erin).create({ name: 'expired', expires_in_days: 7 })).body;
    server.clock.advance(8 * DAY);
    try {
      expect((await currentUser(created.token)).status).toBe(401);
      const refused = await as(erin).regenerate(created.id);
      expect(refused.status).toBe(400);
      expect(refused.body.error_description).toMatch(/expired/);
      const renewed = await as(erin).regenerate(created.id, { expires_in_days: 30 });
      expect(renewed.status).toBe(200);
      expect(renewed.body.active).toBe(true);
      expect((await currentUser(renewed.body.token)).status).toBe(200);
    } finally {
      server.clock.advance(-8 * DAY);
    }
  });

  it('DELETE one → 204; the token stops working and is gone', async () => {
    const created = (await as(erin).create({ name: 'delete-me' })).body;
    expect((await currentUser(created.token)).status).toBe(200);
    const res = await as(erin).remove(created.id);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect((await currentUser(created.token)).status).toBe(401);
    expect((await as(erin).get(created.id)).status).toBe(404);
    expect((await as(erin).remove(created.id)).status).toBe(404);
  });

  it("another user's token id answers 404 exactly like a missing one", async () => {
    const theirs = (await as(frank).create({ name: 'franks' })).body;
    const missingId = theirs.id + 1000;
    const pairs: [string, (id: number) => Promise<{ status: number; body: unknown }>][] = [
      ['GET', (id) => as(erin).get(id)],
      ['PATCH', (id) => as(erin).patch(id, { name: 'stolen' })],
      ['DELETE', (id) => as(erin).remove(id)],
      ['regenerate', (id) => as(erin).regenerate(id)],
    ];
    for (const [what, call] of pairs) {
      const foreign = await call(theirs.id);
      const missing = await call(missingId);
      expect([what, foreign.status]).toEqual([what, 404]);
      expect(foreign.body).toEqual(missing.body);
    }
    // frank's token is untouched.
    expect((await as(frank).get(theirs.id)).body).toMatchObject({ name: 'franks', token_last_four: theirs.token_last_four });
    expect((await currentUser(theirs.token)).status).toBe(200);
  });

  it("DELETE /user/tokens deletes all of the caller's tokens, and nobody else's", async () => {
    const mine = [(await as(erin).create({ name: 'a' })).body, (await as(erin).create({ name: 'b' })).body];
    const franks = (await as(frank).create({ name: 'keeps' })).body;
    for (const t of mine) expect((await currentUser(t.token)).status).toBe(200);

    const res = await api(server.url, 'DELETE', '/api/v1/user/tokens', { auth: erin.basic });
    expect(res.status).toBe(204);
    const after = await as(erin).list();
    expect(after.body).toEqual([]);
    expect(after.headers.get('x-total-count')).toBe('0');
    for (const t of mine) expect((await currentUser(t.token)).status).toBe(401);
    expect((await currentUser(franks.token)).status).toBe(200);
    expect((await as(frank).get(franks.id)).status).toBe(200);
  });
});
