import { api, basicAuth, startTestServer, type TestServer } from '../support/harness.js';
import { hiddenField, shownValue, WebClient } from '../support/web-client.js';

/** Settings → Access tokens through the HTML forms, as a browser without JavaScript would use them. */
describe('token pages', () => {
  let server: TestServer;
  let web: WebClient;
  let alicePassword: string;
  const DAY = 86_400_000;

  beforeAll(async () => {
    server = await startTestServer();
    const alice = await server.createUser('alice');
    alicePassword = alice.password;
    web = new WebClient(server.url);
    await web.signIn(alice.username, alice.password);
  });
  afterAll(() => server.close());

  it('the new-token form lists every API scope with its description, grouped, and the expiry choices', async () => {
    const page = await web.get('/settings/tokens/new');
    expect(page.status).toBe(200);
    for (const scope of server.container.scopes.apiScopes()) {
      expect(page.text).toContain(`value="${scope.name}"`);
    }
    expect(page.text).not.toContain('value="openid"');
    expect(page.text).toContain('Read your email address');
    expect(page.text).toMatch(/<h2 class="group-title" id="scope-group-project">Projects<\/h2>/);
    for (const v of ['7', '30', '60', '90', 'custom', 'none']) expect(page.text).toContain(`name="expiry" value="${v}"`);
    // Every control has a label.
    for (const id of ['name', 'description', 'allowlist', 'expires_on', 'scope-user-email']) expect(page.text).toContain(`for="${id}"`);
  });

  it('creates a token and shows its secret exactly once (post-redirect-get; refresh → gone)', async () => {
    const { created, reveal, token } = await web.createToken({ name: 'ci', expiry: '30', scopes: ['user', 'user:email'] });
    expect(created.location).toBe('/settings/tokens/reveal');
    expect(reveal.status).toBe(200);
    expect(reveal.headers.get('cache-control')).toBe('no-store');
    expect(reveal.text).toContain('It will not be shown again');
    expect(token).toMatch(/^tsp_[A-Za-z0-9]+$/);
    const me = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('alice@example.test');

    const again = await web.get('/settings/tokens/reveal');
    expect(again.status).toBe(303);
    expect(again.text).not.toContain(token);
    const list = await web.get(again.location!);
    expect(list.text).not.toContain(token);
    expect(list.text).toContain('The token is shown only once');
    expect(list.text).toContain(`…${token.slice(-4)}`);
    expect(list.text).toContain('Active');
  });

  it('the list shows last use, expiry and status, and filters by state and search with paging', async () => {
    const { token } = await web.createToken({ name: 'deploy-bot', description: 'for the deploy job', expiry: '7', scopes: 'user' });
    await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
    const list = await web.get('/settings/tokens?search=deploy');
    expect(list.text).toContain('deploy-bot');
    expect(list.text).not.toMatch(/>ci</);
    expect(list.text).toMatch(/class="last-used">\d{4}-\d\d-\d\d \d\d:\d\d UTC<br><small>from 127\.0\.0\.1/);
    const expiry = new Date(server.clock.now().getTime() + 7 * DAY).toISOString().slice(0, 10);
    expect(list.text).toContain(expiry);

    server.clock.advance(8 * DAY);
    await web.signIn('alice', alicePassword); // the session itself has ended by now
    const inactive = await web.get('/settings/tokens?state=inactive');
    expect(inactive.text).toContain('deploy-bot');
    expect(inactive.text).toContain('Expired');
    expect((await web.get('/settings/tokens?state=active')).text).not.toContain('deploy-bot');
    // Garbage in the query falls back to defaults instead of failing.
    expect((await web.get('/settings/tokens?state=bogus&page=-3&search=' + 'x'.repeat(300))).status).toBe(200);

    const alice = await server.container.users.getByUsername('alice');
    for (let i = 0; i < 21; i++) await server.container.pats.create(alice, { name: `bulk-${i}`, scopes: ['user'], expiresInDays: 30 });
    const first = await web.get('/settings/tokens');
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text).toContain('rel="next"');
    const second = await web.get('/settings/tokens?state=all&search=&page=2');
    expect(second.text).toContain('Page 2 of 2');
    expect(second.text).toContain('rel="prev"');
  });

  it('turns service errors into inline form errors, keeping what was typed', async () => {
    const _csrf = await web.csrf('/settings/tokens/new');
    const noScope = await web.post('/settings/tokens', { _csrf, name: 'typed-name', expiry: '30' });
    expect(noScope.status).toBe(400);
    expect(noScope.text).toContain('role="alert"');
    expect(noScope.text).toContain('choose at least one scope');
    expect(noScope.text).toContain('value="typed-name"');

    const badCidr = await web.post('/settings/tokens', { _csrf, name: 'x', expiry: '30', scopes: 'user', allowlist: '10.0.0.0/33' });
    expect(badCidr.status).toBe(400);
    expect(badCidr.text).toContain('10.0.0.0/33');
    expect(badCidr.text).toContain('is not an IP address or CIDR range');

    const unknown = await web.post('/settings/tokens', { _csrf, name: 'x', expiry: '30', scopes: ['user', 'nope:scope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('unknown scope: nope:scope');

    const past = await web.post('/settings/tokens', { _csrf, name: 'x', expiry: 'custom', expires_on: '2001-01-01', scopes: 'user' });
    expect(past.status).toBe(400);
    expect(past.text).toContain('Expiration: must be in the future');

    const noDate = await web.post('/settings/tokens', { _csrf, name: 'x', expiry: 'custom', scopes: 'user' });
    expect(noDate.status).toBe(400);
  });

  it('escapes everything a user typed', async () => {
    const { reveal } = await web.createToken({ name: '<script>alert(1)</script>', description: '"><img src=x>', expiry: '30', scopes: 'user' });
    expect(reveal.text).not.toContain('<script>alert(1)</script>');
    expect(reveal.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const list = await web.get('/settings/tokens?search=script');
    expect(list.text).not.toContain('<img src=x>');
    expect(list.text).toContain('&quot;&gt;&lt;img src=x&gt;');
  });

  it('edits name, description, scopes and allowlist; the change bites at once', async () => {
    const { token } = await web.createToken({ name: 'to-edit', expiry: '30', scopes: ['user', 'project'] });
    const alice = await server.container.users.getByUsername('alice');
    const [[pat]] = await server.container.pats.list(alice, { state: 'all', search: 'to-edit', offset: 0, limit: 1 });
    const form = await web.get(`/settings/tokens/${pat!.id}/edit`);
    expect(form.text).toContain('value="to-edit"');
    expect(form.text).toMatch(/value="project" checked/);
    expect(form.text).not.toContain('name="expiry"');
    const _csrf = hiddenField(form.text, '_csrf')!;
    const saved = await web.post(`/settings/tokens/${pat!.id}/edit`, { _csrf, name: 'edited', description: 'now described', scopes: 'project', allowlist: '203.0.113.0/24' });
    expect(saved.status).toBe(303);
    expect((await web.get(saved.location!)).text).toContain('Token “edited” updated.');
    const after = await server.container.pats.get(alice, pat!.id);
    expect(after).toMatchObject({ name: 'edited', description: 'now described', scopes: ['project'], ipAllowlist: ['203.0.113.0/24'] });
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` })).status).toBe(401);

    const bad = await web.post(`/settings/tokens/${pat!.id}/edit`, { _csrf, name: '', scopes: 'project' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Name: must not be empty');
  });

  it('regenerates: the new secret is shown once and the old one stops working', async () => {
    const { token: old } = await web.createToken({ name: 'to-regenerate', expiry: '30', scopes: 'user' });
    const alice = await server.container.users.getByUsername('alice');
    const [[pat]] = await server.container.pats.list(alice, { state: 'all', search: 'to-regenerate', offset: 0, limit: 1 });
    const _csrf = await web.csrf(`/settings/tokens/${pat!.id}/regenerate`);
    const res = await web.post(`/settings/tokens/${pat!.id}/regenerate`, { _csrf });
    expect(res.location).toBe('/settings/tokens/reveal');
    const reveal = await web.get(res.location!);
    expect(reveal.text).toContain('Your regenerated token');
    const fresh = shownValue(reveal.text, 'token-value')!;
    expect(fresh).not.toBe(old);
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${old}` })).status).toBe(401);
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${fresh}` })).status).toBe(200);
  });

  it("another user's token ids answer 404 pages, exactly like missing ones, and change nothing", async () => {
    const bob = await server.createUser('bob');
    const bobUser = await server.container.users.getByUsername('bob');
    const { pat, token } = await server.container.pats.create(bobUser, { name: 'bobs', scopes: ['user'], expiresInDays: 30 });
    const _csrf = await web.csrf('/settings/tokens');
    for (const id of [pat.id, 999_999]) {
      expect((await web.get(`/settings/tokens/${id}/edit`)).status).toBe(404);
      expect((await web.get(`/settings/tokens/${id}/delete`)).status).toBe(404);
      expect((await web.get(`/settings/tokens/${id}/regenerate`)).status).toBe(404);
      expect((await web.post(`/settings/tokens/${id}/edit`, { _csrf, name: 'pwned', scopes: 'user' })).status).toBe(404);
      expect((await web.post(`/settings/tokens/${id}/regenerate`, { _csrf })).status).toBe(404);
      const del = await web.post(`/settings/tokens/${id}/delete`, { _csrf });
      expect(del.status).toBe(404);
      expect(del.text).toContain('This page does not exist.');
    }
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` })).status).toBe(200);
    expect((await server.container.pats.get(bobUser, pat.id)).name).toBe('bobs');
    for (const bad of ['abc', 'a'.repeat(200), '2147483648', '1e3']) expect((await web.get(`/settings/tokens/${bad}/edit`)).status).toBe(404);
    void bob;
  });

  it('deletes one token after confirmation, then all of them', async () => {
    const { token } = await web.createToken({ name: 'to-delete', expiry: '30', scopes: 'user' });
    const alice = await server.container.users.getByUsername('alice');
    const [[pat]] = await server.container.pats.list(alice, { state: 'all', search: 'to-delete', offset: 0, limit: 1 });
    const confirm = await web.get(`/settings/tokens/${pat!.id}/delete`);
    expect(confirm.text).toContain('Delete token “to-delete”?');
    const _csrf = hiddenField(confirm.text, '_csrf')!;
    const res = await web.post(`/settings/tokens/${pat!.id}/delete`, { _csrf });
    expect(res.status).toBe(303);
    expect((await web.get(res.location!)).text).toContain('Token deleted.');
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` })).status).toBe(401);

    const { token: another } = await web.createToken({ name: 'last-one', expiry: '30', scopes: 'user' });
    const all = await web.get('/settings/tokens/delete-all');
    expect(all.text).toMatch(/All \d+ of your personal access tokens/);
    const gone = await web.post('/settings/tokens/delete-all', { _csrf });
    expect(gone.status).toBe(303);
    const list = await web.get('/settings/tokens');
    expect(list.text).toContain('All tokens deleted.');
    expect(list.text).toContain('No tokens yet.');
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${another}` })).status).toBe(401);
  });

  it('speaks Simplified Chinese by Accept-Language or the switcher, scope descriptions included', async () => {
    const zh = new WebClient(server.url, { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8' });
    const login = await zh.get('/login');
    expect(login.text).toContain('<html lang="zh-Hans">');
    expect(login.text).toContain('登录');
    const wrong = await zh.signIn('alice', 'not-her-password');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toMatch(/role="alert"[^]*用户名或密码错误/);
    const carol = new WebClient(server.url, { 'Accept-Language': 'zh-CN' });
    const pw = 'carol-password';
    await server.createUser('dave', { password: pw });
    await carol.signIn('dave', pw);
    const form = await carol.get('/settings/tokens/new');
    expect(form.text).toContain('新建个人访问令牌');
    expect(form.text).toContain('授权获取用户的 email');

    const switched = await carol.get('/language/en?next=%2Fsettings%2Ftokens%2Fnew');
    expect(switched.status).toBe(303);
    expect(switched.location).toBe('/settings/tokens/new');
    const english = await carol.get('/settings/tokens/new');
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('Read your email address');
    expect((await carol.get('/language/en?next=https://evil.example/')).location).toBe('/');
  });

  it('serves the stylesheet and the copy script', async () => {
    const css = await web.get('/static/tessera.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    const js = await web.get('/static/copy.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    // fetch adds Cache-Control: no-cache to conditional requests unless told otherwise.
    expect((await web.get('/static/copy.js', { 'If-None-Match': js.headers.get('etag')!, 'Cache-Control': 'max-age=0' })).status).toBe(304);
    expect((await web.get('/static/nope.js')).status).toBe(404);
    void basicAuth;
  });
});
