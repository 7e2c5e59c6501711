import { createHash } from 'node:crypto';
import { api, startTestServer, type TestServer } from '../support/harness.js';
import { WebClient } from '../support/web-client.js';

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64');
/** A user agent that would be markup if the page did not escape it. */
const AGENT = 'seclog-pages/1.0 <script>alert(1)</script>';

/** Settings → Security log and Admin → Security log, through HTTP as a browser sees them. */
describe('the security log pages', () => {
  let server: TestServer;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  let root: Awaited<ReturnType<TestServer['createUser']>>;
  let web: WebClient;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    root = await server.createUser('root', { admin: true });
    web = new WebClient(server.url, { 'User-Agent': AGENT });
    expect((await web.signIn('alice', alice.password)).status).toBe(303);
    token = (await web.createToken({ name: 'laptop', scopes: 'user', expiry: '30' })).token;
    expect(token).not.toBe('');
  });
  afterAll(() => server.close());

  it('sends a signed-out visitor to sign in first', async () => {
    const res = await new WebClient(server.url).get('/settings/security-log');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/login?next=%2Fsettings%2Fsecurity-log');
  });

  it('lists the user\'s own entries with time, translated action, actor, address, escaped user agent, token hash and details; never the secret', async () => {
    const page = await web.get('/settings/security-log');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Security log</h1>');
    expect(page.text).toContain('href="/settings/security-log" aria-current="page"');
    expect(page.text).toContain('data-action="token.created">Token created<');
    expect(page.text).toContain('data-action="user.signed_in">Signed in<');
    expect(page.text).toContain('seclog-pages/1.0 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).toMatch(/<code>(::ffff:)?127\.0\.0\.1<\/code>|<code>::1<\/code>/);
    expect(page.text).toContain(`<code class="hash">${hashOf(token)}</code>`);
    expect(page.text).toContain('<dt>name</dt><dd>laptop</dd>');
    expect(page.text).not.toContain(token);
    expect(page.text).not.toContain(alice.password);
    // Only alice's own: her account's creation, not root's.
    expect(page.text.match(/data-action="user.created"/g)).toHaveLength(1);
  });

  it('filters by action and by a token\'s hash, and pages through', async () => {
    const byAction = await web.get('/settings/security-log?action=user.signed_in');
    expect(byAction.text).toContain('<option value="user.signed_in" selected>');
    expect(byAction.text).not.toContain('data-action="token.created"');
    expect(byAction.text).toContain('data-action="user.signed_in"');

    const byHash = await web.get(`/settings/security-log?hashed_token=${encodeURIComponent(hashOf(token))}`);
    expect(byHash.text.match(/data-action=/g)).toHaveLength(1);
    expect(byHash.text).toContain('data-action="token.created"');
    const other = await web.get(`/settings/security-log?hashed_token=${encodeURIComponent(hashOf('no such token'))}`);
    expect(other.text).toContain('No entries match.');

    for (let i = 0; i < 30; i++) expect((await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: `t${i}`, scopes: ['user'] } })).status).toBe(201);
    const first = await web.get('/settings/security-log');
    expect(first.text.match(/data-action=/g)).toHaveLength(30);
    expect(first.text).toContain('Page 1 of 2 (33 entries)');
    expect(first.text).toContain('href="/settings/security-log?page=2" rel="next"');
    const second = await web.get('/settings/security-log?page=2');
    expect(second.text.match(/data-action=/g)).toHaveLength(3);
    expect(second.text).toContain('rel="prev"');
  });

  it.each([
    'action=token.stolen',
    'hashed_token=%3Cscript%3E',
    'page=-4',
    'page=abc',
    'page=99999999999',
    `action=${'x'.repeat(5000)}`.slice(0, 60),
  ])('falls back to no filter on ?%s (never a 500)', async (query) => {
    const res = await web.get(`/settings/security-log?${query}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Security log</h1>');
  });

  it('speaks Chinese', async () => {
    const zh = new WebClient(server.url, { 'Accept-Language': 'zh-CN' });
    for (const [name, value] of web.cookies) zh.cookies.set(name, value);
    const page = await zh.get('/settings/security-log');
    expect(page.text).toContain('<h1>安全日志</h1>');
    expect(page.text).toContain('data-action="token.created">创建令牌<');
    expect(page.text).toContain('<option value="user.signed_in">登录</option>');
  });

  it('gives administrators everyone\'s entries, one user\'s on request, and refuses everyone else', async () => {
    expect((await web.get('/admin/security-log')).status).toBe(403);

    const admin = new WebClient(server.url);
    await admin.signIn('root', root.password);
    const users = await admin.get('/admin/users');
    expect(users.text).toContain('href="/admin/security-log"');
    const all = await admin.get('/admin/security-log');
    expect(all.status).toBe(200);
    expect(all.text).toContain('<h1>Security log (all users)</h1>');
    expect(all.text).toContain('<a href="/admin/security-log?user=alice">alice</a>');
    expect(all.text).toContain('<a href="/admin/security-log?user=root">root</a>');

    const userPage = await admin.get('/admin/users/alice');
    expect(userPage.text).toContain('href="/admin/security-log?user=alice"');
    const alices = await admin.get('/admin/security-log?user=ALICE&action=user.created');
    expect(alices.text).toContain('value="ALICE"');
    expect(alices.text.match(/data-action=/g)).toHaveLength(1);
    expect(alices.text).toContain('data-action="user.created"');
    expect(alices.text).not.toContain('?user=root');
    expect((await new WebClient(server.url).signIn('alice', 'not-her-password')).status).toBe(401);
    const failed = await admin.get('/admin/security-log?user=alice&action=user.sign_in_failed');
    expect(failed.text).toContain('data-action="user.sign_in_failed">Sign-in failed<');
    expect(failed.text).toContain('<td><span class="muted">Unknown</span></td>');
    expect(failed.text).not.toContain('not-her-password');
    const nobody = await admin.get(`/admin/security-log?user=${encodeURIComponent('no one!')}`);
    expect(nobody.status).toBe(200);
    expect(nobody.text).toContain('No entries match.');
    expect(all.text).not.toContain(token);
  });
});
