import { api, startTestServer, type TestServer } from '../support/harness.js';

describe('impersonation tokens: /api/v1/users/:username/impersonation-tokens', () => {
  let server: TestServer;
  let admin: Awaited<ReturnType<TestServer['createUser']>>;
  let gina: Awaited<ReturnType<TestServer['createUser']>>;
  const base = (username: string) => `/api/v1/users/${username}/impersonation-tokens`;
  const currentUser = (token: string) => api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.createUser('root', { admin: true });
    gina = await server.createUser('gina');
  });
  afterAll(() => server.close());

  it('an admin creates a token that acts as the user, marked impersonation: true', async () => {
    const res = await api(server.url, 'POST', base('gina'), { auth: admin.basic, body: { name: 'support', scopes: ['user'], expires_in_days: 7 } });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ name: 'support', impersonation: true, active: true, revoked: false, scopes: ['user'] });
    expect(res.body.token).toMatch(/^tsp_/);
    expect(res.headers.get('location')).toBe(`${base('gina')}/${res.body.id}`);

    const me = await currentUser(res.body.token);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('gina');

    // It is not one of gina's personal tokens, and she cannot manage it.
    const own = await api(server.url, 'GET', '/api/v1/user/tokens', { auth: gina.basic });
    expect(own.body).toEqual([]);
    expect((await api(server.url, 'GET', `/api/v1/user/tokens/${res.body.id}`, { auth: gina.basic })).status).toBe(404);
    expect((await api(server.url, 'DELETE', `/api/v1/user/tokens/${res.body.id}`, { auth: gina.basic })).status).toBe(404);
    await api(server.url, 'DELETE', '/api/v1/user/tokens', { auth: gina.basic });
    expect((await currentUser(res.body.token)).status).toBe(200);
  });

  it('lists with the same filters and X-Total-Count; revoking keeps the record, inactive', async () => {
    const a = (await api(server.url, 'POST', base('gina'), { auth: admin.basic, body: { name: 'audit a', scopes: ['user'] } })).body;
    const b = (await api(server.url, 'POST', base('gina'), { auth: admin.basic, body: { name: 'audit b', description: 'second', scopes: ['user'] } })).body;
    // A personal token of gina's never shows up here.
    await api(server.url, 'POST', '/api/v1/user/tokens', { auth: gina.basic, body: { name: 'audit personal', scopes: ['user'] } });

    const listed = await api(server.url, 'GET', `${base('gina')}?search=audit`, { auth: admin.basic });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-total-count')).toBe('2');
    expect(listed.body.map((t: { id: number }) => t.id)).toEqual([b.id, a.id]);
    expect(listed.body.every((t: { impersonation: boolean }) => t.impersonation)).toBe(true);
    expect(JSON.stringify(listed.body)).not.toContain(a.token);

    const revoked = await api(server.url, 'DELETE', `${base('gina')}/${a.id}`, { auth: admin.basic });
    expect(revoked.status).toBe(204);
    expect((await currentUser(a.token)).status).toBe(401);
    expect((await currentUser(b.token)).status).toBe(200);
    expect((await api(server.url, 'DELETE', `${base('gina')}/${a.id}`, { auth: admin.basic })).status).toBe(204); // idempotent

    const one = await api(server.url, 'GET', `${base('gina')}/${a.id}`, { auth: admin.basic });
    expect(one.body).toMatchObject({ id: a.id, revoked: true, active: false, impersonation: true });
    const inactive = await api(server.url, 'GET', `${base('gina')}?state=inactive`, { auth: admin.basic });
    expect(inactive.body.map((t: { id: number }) => t.id)).toEqual([a.id]);
    const active = await api(server.url, 'GET', `${base('gina')}?state=active&limit=1`, { auth: admin.basic });
    expect(active.body).toHaveLength(1);
    expect(Number(active.headers.get('x-total-count'))).toBeGreaterThanOrEqual(2);

    for (const q of ['?limit=0', '?limit=101', '?offset=-1']) {
      expect((await api(server.url, 'GET', `${base('gina')}${q}`, { auth: admin.basic })).status).toBe(400);
    }
  });

  it('validates the body as for personal tokens', async () => {
    const badScope = await api(server.url, 'POST', base('gina'), { auth: admin.basic, body: { name: 'x', scopes: ['root:all'] } });
    expect(badScope.status).toBe(400);
    expect(badScope.body.error).toBe('invalid_scope');
    expect(badScope.body.error_description).toContain('root:all');
    const badIp = await api(server.url, 'POST', base('gina'), { auth: admin.basic, body: { name: 'x', scopes: ['user'], ip_allowlist: ['1.2.3.4/40'] } });
    expect(badIp.status).toBe(400);
  });

  it('non-admins get 403, anonymous callers 401, tokens cannot be used', async () => {
    const theirs = (await api(server.url, 'POST', base('gina'), { auth: admin.basic, body: { name: 'x', scopes: ['user'] } })).body;
    for (const [method, path] of [
      ['GET', base('gina')],
      ['POST', base('gina')],
      ['GET', `${base('gina')}/${theirs.id}`],
      ['DELETE', `${base('gina')}/${theirs.id}`],
      ['POST', base('root')],
    ] as const) {
      const res = await api(server.url, method, path, { auth: gina.basic, body: method === 'POST' ? { name: 'x', scopes: ['user'] } : undefined });
      expect([method, path, res.status, res.body.error]).toEqual([method, path, 403, 'access_denied']);
      expect((await api(server.url, method, path)).status).toBe(401);
    }
    // Even an admin-issued token of the admin cannot act here.
    const adminPat = (await api(server.url, 'POST', '/api/v1/user/tokens', { auth: admin.basic, body: { name: 'x', scopes: ['user'] } })).body;
    expect((await api(server.url, 'GET', base('gina'), { auth: `Bearer ${adminPat.token}` })).status).toBe(401);
    expect((await currentUser(theirs.token)).status).toBe(200);
  });

  it('an unknown user → 404; a token id of another user → 404 like a missing one', async () => {
    for (const [method, path] of [
      ['GET', base('nobody')],
      ['POST', base('nobody')],
      ['DELETE', `${base('nobody')}/1`],
    ] as const) {
      const res = await api(server.url, method, path, { auth: admin.basic, body: method === 'POST' ? { name: 'x', scopes: ['user'] } : undefined });
      expect([method, res.status]).toEqual([method, 404]);
    }
    const henry = await server.createUser('henry');
    const ginas = (await api(server.url, 'POST', base('gina'), { auth: admin.basic, body: { name: 'ginas', scopes: ['user'] } })).body;
    const asHenry = await api(server.url, 'DELETE', `${base('henry')}/${ginas.id}`, { auth: admin.basic });
    const missing = await api(server.url, 'DELETE', `${base('henry')}/${ginas.id + 1000}`, { auth: admin.basic });
    expect(asHenry.status).toBe(404);
    expect(asHenry.body).toEqual(missing.body);
    expect((await api(server.url, 'GET', `${base('henry')}/${ginas.id}`, { auth: admin.basic })).status).toBe(404);
    expect((await currentUser(ginas.token)).status).toBe(200);
    // A personal token is not reachable through the impersonation routes either.
    const personal = (await api(server.url, 'POST', '/api/v1/user/tokens', { auth: henry.basic, body: { name: 'mine', scopes: ['user'] } })).body;
    expect((await api(server.url, 'DELETE', `${base('henry')}/${personal.id}`, { auth: admin.basic })).status).toBe(404);
    expect((await currentUser(personal.token)).status).toBe(200);
  });
});
