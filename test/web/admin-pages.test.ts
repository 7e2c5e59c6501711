import { api, startTestServer, type TestServer } from '../support/harness.js';
import { hiddenField, shownValue, WebClient } from '../support/web-client.js';

/** Admin → Users through the HTML forms: list, create, impersonation tokens (issue shown once, revoke). */
describe('admin pages', () => {
  let server: TestServer;
  let admin: WebClient;

  beforeAll(async () => {
    server = await startTestServer();
    const root = await server.createUser('root', { admin: true });
    admin = new WebClient(server.url);
    await admin.signIn(root.username, root.password);
  });
  afterAll(() => server.close());

  it('lists users and creates one; the new user can sign in', async () => {
    const page = await admin.get('/admin/users');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<th scope="row">root</th>');
    for (const id of ['username', 'email', 'display_name', 'password']) expect(page.text).toContain(`for="${id}"`);
    const created = await admin.post('/admin/users', { _csrf: hiddenField(page.text, '_csrf')!, username: 'erin', email: 'erin@example.test', display_name: 'Erin', password: 'erin-password-1' });
    expect(created.status).toBe(303);
    expect((await admin.get(created.location!)).text).toContain('User erin created.');
    const erin = new WebClient(server.url);
    expect((await erin.signIn('erin', 'erin-password-1')).location).toBe('/settings/tokens');

    const bad = await admin.post('/admin/users', { _csrf: hiddenField(page.text, '_csrf')!, username: 'erin', email: 'not-an-email', password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('role="alert"');
  });

  it('issues an impersonation token (shown once) that acts as the user, and revokes it', async () => {
    await server.createUser('frank');
    const page = await admin.get('/admin/users/frank');
    expect(page.text).toContain('Impersonation tokens of frank');
    const issued = await admin.post('/admin/users/frank/impersonation-tokens', { _csrf: hiddenField(page.text, '_csrf')!, name: 'support', expiry: '7', scopes: 'user' });
    expect(issued.status).toBe(303);
    const reveal = await admin.get(issued.location!);
    const token = shownValue(reveal.text, 'token-value')!;
    expect(token).toMatch(/^tsp_/);
    const me = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
    expect(me.body.username).toBe('frank');
    expect((await admin.get('/settings/tokens/reveal')).status).toBe(303);

    const list = await admin.get('/admin/users/frank');
    expect(list.text).toContain(`…${token.slice(-4)}`);
    const action = /action="(\/admin\/users\/frank\/impersonation-tokens\/\d+\/revoke)"/.exec(list.text)![1]!;
    const revoked = await admin.post(action, { _csrf: hiddenField(list.text, '_csrf')! });
    expect(revoked.status).toBe(303);
    expect((await admin.get(revoked.location!)).text).toContain('Token revoked.');
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` })).status).toBe(401);
  });

  it('is closed to non-admins (403 page) and to forms without a CSRF token', async () => {
    const grace = await server.createUser('grace');
    const web = new WebClient(server.url);
    await web.signIn(grace.username, grace.password);
    const denied = await web.get('/admin/users');
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('You are not allowed to do this.');
    expect((await web.get('/settings/tokens')).text).not.toContain('href="/admin/users"');
    const _csrf = await web.csrf('/settings/tokens');
    expect((await web.post('/admin/users', { _csrf, username: 'mallory', email: 'm@example.test', password: 'mallory-password' })).status).toBe(403);
    expect((await admin.post('/admin/users', { username: 'mallory', email: 'm@example.test', password: 'mallory-password' })).status).toBe(403);
    expect((await admin.post('/admin/users/grace/impersonation-tokens', { name: 'x', expiry: '7', scopes: 'user' })).status).toBe(403);
    await expect(server.container.users.getByUsername('mallory')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});
