import { api, startTestServer, type TestServer } from '../support/harness.js';

describe('account administration API', () => {
  let server: TestServer;
  let admin: Awaited<ReturnType<TestServer['createUser']>>;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.createUser('root', { admin: true });
    alice = await server.createUser('alice');
  });
  afterAll(() => server.close());

  it('admins create and list users; others get 403', async () => {
    const created = await api(server.url, 'POST', '/api/v1/users', {
      auth: admin.basic,
      body: { username: 'carol', email: 'carol@example.test', password: 'correct horse battery' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'carol', email: 'carol@example.test', admin: false });
    expect(created.body).not.toHaveProperty('password');

    const list = await api(server.url, 'GET', '/api/v1/users?limit=2', { auth: admin.basic });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    expect(Number(list.headers.get('x-total-count'))).toBe(3);

    const denied = await api(server.url, 'GET', '/api/v1/users', { auth: alice.basic });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('access_denied');
  });

  it('rejects duplicates and bad input with clear errors', async () => {
    const dup = await api(server.url, 'POST', '/api/v1/users', {
      auth: admin.basic,
      body: { username: 'alice', email: 'other@example.test', password: 'long enough password' },
    });
    expect(dup.status).toBe(409);
    const bad = await api(server.url, 'POST', '/api/v1/users', { auth: admin.basic, body: { username: 'x y', email: 'nope', password: '1' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error_description).toMatch(/^username/);
  });

  it('deleting a user makes their tokens inactive at once', async () => {
    const dave = await server.createUser('dave');
    const token = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: dave.basic, body: { name: 'cli', scopes: ['user'] } });
    expect(token.status).toBe(201);
    const use = () => api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token.body.token}` });
    expect((await use()).status).toBe(200);
    expect((await use()).status).toBe(200); // warm

    expect((await api(server.url, 'DELETE', '/api/v1/users/dave', { auth: admin.basic })).status).toBe(204);
    expect((await use()).status).toBe(401);
    expect((await api(server.url, 'DELETE', '/api/v1/users/dave', { auth: admin.basic })).status).toBe(404);
  });

  it('an admin cannot delete their own account', async () => {
    const res = await api(server.url, 'DELETE', '/api/v1/users/root', { auth: admin.basic });
    expect(res.status).toBe(400);
  });
});
