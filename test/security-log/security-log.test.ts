import { createHash } from 'node:crypto';
import { api, startTestServer, type TestServer } from '../support/harness.js';

/** GitHub's `hashed_token`, computed here as a client would: base64 of SHA-256 of the token string. */
const hashOf = (token: string) => createHash('sha256').update(token).digest('base64');
const AGENT = 'security-log-test/1.0 (curl-like)';

describe('the security log', () => {
  let server: TestServer;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  let bob: Awaited<ReturnType<TestServer['createUser']>>;
  let admin: Awaited<ReturnType<TestServer['createUser']>>;
  const call = (method: string, path: string, auth: string, body?: unknown) => api(server.url, method, path, { auth, body, headers: { 'User-Agent': AGENT } });
  const ownLog = async (auth: string, query = '') => {
    const res = await call('GET', `/api/v1/user/security-log${query}`, auth);
    expect(res.status).toBe(200);
    return { entries: res.body as Record<string, any>[], total: Number(res.headers.get('x-total-count')), raw: JSON.stringify(res.body) };
  };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    bob = await server.createUser('bob');
    admin = await server.createUser('root', { admin: true });
  });
  afterAll(() => server.close());

  it('records a token\'s life — created, edited, regenerated, deleted — with who, when, where and its public hash, never the secret', async () => {
    const created = await call('POST', '/api/v1/user/tokens', alice.basic, { name: 'deploy', scopes: ['user'], expires_in_days: 30 });
    expect(created.status).toBe(201);
    const first: string = created.body.token;
    const id: number = created.body.id;
    expect((await call('PATCH', `/api/v1/user/tokens/${id}`, alice.basic, { name: 'deploy (prod)' })).status).toBe(200);
    const regenerated = await call('POST', `/api/v1/user/tokens/${id}/regenerate`, alice.basic, {});
    expect(regenerated.status).toBe(200);
    const second: string = regenerated.body.token;
    expect((await call('DELETE', `/api/v1/user/tokens/${id}`, alice.basic)).status).toBe(204);

    const { entries, total, raw } = await ownLog(alice.basic, `?after=${encodeURIComponent(created.body.created_at)}`);
    expect(entries.map((e) => e.action)).toEqual(['token.revoked', 'token.regenerated', 'token.updated', 'token.created']);
    expect(total).toBe(4);
    for (const entry of entries) {
      expect(entry).toMatchObject({ user_id: expect.any(Number), user: 'alice', actor: 'alice', token_id: id, token_kind: 'personal_access_token', user_agent: AGENT });
      expect(entry.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
      expect(Date.parse(entry.created_at)).toBeGreaterThan(0);
    }
    // The regenerate entry names the secret that stopped working; what follows names the new one.
    expect(entries.map((e) => e.hashed_token)).toEqual([hashOf(second), hashOf(first), hashOf(first), hashOf(first)]);
    expect(entries[0]!.details).toMatchObject({ reason: 'owner' });
    expect(entries[3]!.details).toMatchObject({ name: 'deploy', scopes: ['user'] });
    expect(raw).not.toContain(first);
    expect(raw).not.toContain(second);
    expect(raw).not.toContain(first.slice(4, 20));
  });

  it('finds a token\'s entries by the hash its holder computes, and filters by action, time and page', async () => {
    const { body } = await call('POST', '/api/v1/user/tokens', alice.basic, { name: 'ci', scopes: ['user'] });
    const byHash = await ownLog(alice.basic, `?hashed_token=${encodeURIComponent(hashOf(body.token))}`);
    expect(byHash.entries.map((e) => [e.action, e.token_id])).toEqual([['token.created', body.id]]);

    const created = await ownLog(alice.basic, '?action=token.created&limit=1');
    expect(created.entries).toHaveLength(1);
    expect(created.entries[0]!.token_id).toBe(body.id); // newest first
    expect(created.total).toBe(2);
    const next = await ownLog(alice.basic, '?action=token.created&limit=1&offset=1');
    expect(next.entries[0]!.action).toBe('token.created');
    expect(next.entries[0]!.token_id).not.toBe(body.id);

    expect((await ownLog(alice.basic, `?before=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).total).toBe(0);
  });

  it('shows no one another user\'s entries, even when they know the hash', async () => {
    const { body } = await call('POST', '/api/v1/user/tokens', alice.basic, { name: 'private', scopes: ['user'] });
    const bobs = await ownLog(bob.basic, `?hashed_token=${encodeURIComponent(hashOf(body.token))}`);
    expect(bobs).toMatchObject({ entries: [], total: 0 });
    expect((await ownLog(bob.basic)).entries.every((e) => e.user === 'bob')).toBe(true);
  });

  it('gives administrators everyone\'s log, or one user\'s, and records impersonation tokens in the user\'s log with the admin as actor', async () => {
    const issued = await call('POST', '/api/v1/users/bob/impersonation-tokens', admin.basic, { name: 'support', scopes: ['user'] });
    expect(issued.status).toBe(201);
    const bobs = await ownLog(bob.basic, '?action=impersonation_token.created');
    expect(bobs.entries).toHaveLength(1);
    expect(bobs.entries[0]).toMatchObject({ user: 'bob', actor: 'root', actor_id: expect.any(Number), hashed_token: hashOf(issued.body.token) });

    const all = await call('GET', '/api/v1/admin/security-log?limit=100', admin.basic);
    expect(all.status).toBe(200);
    // Everyone's: the tokens of alice and bob, and the three accounts' creation.
    expect(new Set((all.body as { user: string }[]).map((e) => e.user))).toEqual(new Set(['alice', 'bob', 'root']));
    const onlyBob = await call('GET', '/api/v1/admin/security-log?user=BOB', admin.basic);
    expect((onlyBob.body as { user: string; action: string }[]).map((e) => [e.user, e.action])).toEqual([
      ['bob', 'impersonation_token.created'],
      ['bob', 'user.created'],
    ]);

    const refused = await call('GET', '/api/v1/admin/security-log', alice.basic);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('access_denied');
    const anonymous = await api(server.url, 'GET', '/api/v1/user/security-log');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it.each([
    ['action=token.stolen', 'action'],
    ['hashed_token=abc', 'hashed_token'],
    [`hashed_token=${encodeURIComponent('x'.repeat(43) + '=')}`.replace('x', '%00'), 'hashed_token'],
    ['limit=1000', 'limit'],
    ['offset=-1', 'offset'],
    ['before=yesterday', 'before'],
    ['after=2030-02-31T00:00:00Z', 'after'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    const res = await call('GET', `/api/v1/user/security-log?${query}`, alice.basic);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toContain(field);
  });
});
