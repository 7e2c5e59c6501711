import * as oidc from 'openid-client';
import { startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, clientBasic, DEVICE_CODE, postForm, REDIRECT_URI, relyingParty, userinfoStatus } from '../support/oauth.js';
import { hiddenField, shownValue, WebClient } from '../support/web-client.js';

/** Settings → Developer apps and Authorized apps, and the consent page, as a browser without JavaScript. */
describe('app pages', () => {
  let server: TestServer;
  let web: WebClient;
  let alice: { username: string; password: string };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    web = new WebClient(server.url);
    await web.signIn(alice.username, alice.password);
  });
  afterAll(() => server.close());

  /** Registers an app through the Developer apps form; returns the reveal page and the credentials on it. */
  async function registerThroughForm(name: string, extra: Record<string, string | string[]> = {}) {
    const created = await web.submitAppForm({ name, homepage_url: 'https://example.test/', ...extra });
    expect(created.status).toBe(303);
    expect(created.location).toBe('/settings/applications/reveal');
    const reveal = await web.get(created.location!);
    return { reveal, clientId: shownValue(reveal.text, 'client-id')!, clientSecret: shownValue(reveal.text, 'client-secret') ?? '' };
  }

  /** The authorization server's answer to a browser sent to the app's authorization URL (redirects followed). */
  async function authorizationPage(browser: WebClient, app: { clientId: string; clientSecret: string }, params: Record<string, string>) {
    const rp = await relyingParty(server.url, { client_id: app.clientId, client_secret: app.clientSecret });
    const request = await authorizationRequest(rp, params);
    return { rp, request, page: await browser.follow(request.url.href) };
  }

  /** Runs the code flow through the sign-in and consent pages; returns the token response. */
  async function authorize(user: WebClient, app: { clientId: string; clientSecret: string }, credentials: { username: string; password: string }, scope = 'openid user') {
    const { rp, request, page: login } = await authorizationPage(user, app, { scope });
    expect(login.status).toBe(200);
    expect(login.path).toMatch(/^\/interaction\//);
    const consent = await user.submit(login, { action: 'login', ...credentials });
    expect(consent.status).toBe(200);
    const back = await user.submit(consent, { action: 'confirm' });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(back.location!), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });
    return { consent, tokens };
  }

  it('registers an app: the client secret is shown once, then only its last four characters', async () => {
    const form = await web.get('/settings/applications/new');
    for (const id of ['name', 'homepage_url', 'redirect_uris']) expect(form.text).toContain(`for="${id}"`);
    expect(form.text).toContain('name="grant_types" value="authorization_code" checked');
    const { reveal, clientId, clientSecret } = await registerThroughForm('My CI');
    expect(reveal.headers.get('cache-control')).toBe('no-store');
    expect(reveal.text).toContain('It will not be shown again');
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(clientSecret.length).toBeGreaterThan(20);

    const again = await web.get('/settings/applications/reveal');
    expect(again.status).toBe(303);
    const list = await web.get(again.location!);
    expect(list.text).toContain('The client secret is shown only once');
    expect(list.text).toContain('My CI');
    expect(list.text).toContain(clientId);
    expect(list.text).not.toContain(clientSecret);
    const [app] = await server.container.applications.list(await server.container.users.getByUsername('alice'));
    const edit = await web.get(`/settings/applications/${app!.id}`);
    expect(edit.text).toContain(`…${clientSecret.slice(-4)}`);
    expect(edit.text).not.toContain(clientSecret);
  });

  it('registers and edits post-logout redirect URIs, checked like redirect URIs', async () => {
    const form = await web.get('/settings/applications/new');
    expect(form.text).toContain('for="post_logout_redirect_uris"');
    const { clientId } = await registerThroughForm('Logout app', { post_logout_redirect_uris: 'https://example.test/bye\r\nhttp://127.0.0.1:9/bye' });
    const [app] = (await server.container.applications.listAll()).filter((a) => a.clientId === clientId);
    expect(app!.postLogoutRedirectUris).toEqual(['https://example.test/bye', 'http://127.0.0.1:9/bye']);
    const edit = await web.get(`/settings/applications/${app!.id}`);
    expect(edit.text).toMatch(/<textarea id="post_logout_redirect_uris"[^>]*>https:\/\/example\.test\/bye\nhttp:\/\/127\.0\.0\.1:9\/bye<\/textarea>/);

    const save = (uris: string) =>
      web.post(`/settings/applications/${app!.id}`, {
        _csrf: hiddenField(edit.text, '_csrf')!,
        name: 'Logout app',
        redirect_uris: REDIRECT_URI,
        post_logout_redirect_uris: uris,
        grant_types: ['authorization_code', 'refresh_token'],
      });
    const bad = await save('http://example.test/bye');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/role="alert"[^]*Post-logout redirect URIs: http:\/\/example\.test\/bye must use https/);
    expect((await save('')).status).toBe(303);
    expect((await server.container.applications.getByClientId(clientId)).postLogoutRedirectUris).toEqual([]);
  });

  it('shows form errors inline, keeping what was typed', async () => {
    const _csrf = await web.csrf('/settings/applications/new');
    const res = await web.post('/settings/applications', { _csrf, name: 'Bad <app>', redirect_uris: 'http://evil.example/cb', grant_types: 'authorization_code' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('must use https');
    expect(res.text).toContain('value="Bad &lt;app&gt;"');
    expect(res.text).toContain('http://evil.example/cb</textarea>');
  });

  it('edits an app, regenerates its secret (old one stops working) and deletes it', async () => {
    const { clientId, clientSecret } = await registerThroughForm('Editable');
    const aliceUser = await server.container.users.getByUsername('alice');
    const app = (await server.container.applications.list(aliceUser)).find((a) => a.clientId === clientId)!;
    const _csrf = await web.csrf(`/settings/applications/${app.id}`);
    const saved = await web.post(`/settings/applications/${app.id}`, {
      _csrf,
      name: 'Renamed',
      homepage_url: '',
      redirect_uris: `${REDIRECT_URI}\nhttp://localhost:8080/cb`,
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    });
    expect(saved.status).toBe(303);
    expect((await web.get(saved.location!)).text).toContain('App “Renamed” updated.');
    const updated = await server.container.applications.get(aliceUser, app.id);
    expect(updated.redirectUris).toEqual([REDIRECT_URI, 'http://localhost:8080/cb']);
    expect(updated.grantTypes).toContain('client_credentials');

    const clientCredentials = async (secret: string) => (await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { Authorization: clientBasic(clientId, secret) })).status;
    expect(await clientCredentials(clientSecret)).toBe(200);

    expect((await web.get(`/settings/applications/${app.id}/secret`)).text).toContain('Regenerate the secret of “Renamed”?');
    const regenerated = await web.post(`/settings/applications/${app.id}/secret`, { _csrf });
    const reveal = await web.get(regenerated.location!);
    expect(reveal.text).toContain('Your new client secret');
    const fresh = shownValue(reveal.text, 'client-secret')!;
    expect(fresh).not.toBe(clientSecret);
    expect(await clientCredentials(clientSecret)).toBe(401);
    expect(await clientCredentials(fresh)).toBe(200);

    expect((await web.get(`/settings/applications/${app.id}/delete`)).text).toContain('Delete app “Renamed”?');
    const deleted = await web.post(`/settings/applications/${app.id}/delete`, { _csrf });
    expect(deleted.status).toBe(303);
    expect((await web.get(deleted.location!)).text).toContain('App deleted.');
    expect(await clientCredentials(fresh)).toBe(401);
  });

  it('runs the code flow through the restyled sign-in and consent pages; Authorized apps lists and revokes it', async () => {
    const { clientId, clientSecret } = await registerThroughForm('Consent Demo');
    const browser = new WebClient(server.url);
    const { consent, tokens } = await authorize(browser, { clientId, clientSecret }, alice);
    expect(consent.text).toContain('Authorize Consent Demo');
    expect(consent.text).toContain(server.container.scopes.get('user')!.description.en);
    expect(consent.text).toContain('href="/static/tessera.css');
    expect(await userinfoStatus(server.url, tokens.access_token)).toBe(200);

    const list = await web.get('/settings/authorizations');
    expect(list.text).toContain('Consent Demo');
    expect(list.text).toContain('<code class="scope">user</code>');
    const id = /href="\/settings\/authorizations\/([^/"]+)\/revoke"/.exec(list.text)![1]!;
    const confirm = await web.get(`/settings/authorizations/${id}/revoke`);
    expect(confirm.text).toContain('Revoke access of “Consent Demo”?');
    const revoked = await web.post(`/settings/authorizations/${id}/revoke`, { _csrf: hiddenField(confirm.text, '_csrf')! });
    expect(revoked.status).toBe(303);
    const after = await web.get(revoked.location!);
    expect(after.text).toContain('Access of “Consent Demo” revoked.');
    expect(after.text).toContain('You have not authorized any apps.');
    expect(await userinfoStatus(server.url, tokens.access_token)).toBe(401);
  });

  it('Authorized apps lists an app once, with its current scopes, after consents in two browsers; revoking ends both', async () => {
    const { clientId, clientSecret } = await registerThroughForm('Two Browsers');
    const first = await authorize(new WebClient(server.url), { clientId, clientSecret }, alice, 'openid user');
    const second = await authorize(new WebClient(server.url), { clientId, clientSecret }, alice, 'openid project');
    const list = await web.get('/settings/authorizations');
    expect(list.text.match(/>Two Browsers</g)).toHaveLength(1);
    for (const scope of ['openid', 'user', 'project']) expect(list.text).toContain(`<code class="scope">${scope}</code>`);
    const ids = [...list.text.matchAll(/href="\/settings\/authorizations\/([^/"]+)\/revoke"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(1);
    const confirm = await web.get(`/settings/authorizations/${ids[0]}/revoke`);
    expect((await web.post(`/settings/authorizations/${ids[0]}/revoke`, { _csrf: hiddenField(confirm.text, '_csrf')! })).status).toBe(303);
    expect(await userinfoStatus(server.url, first.tokens.access_token)).toBe(401);
    expect(await userinfoStatus(server.url, second.tokens.access_token)).toBe(401);
    expect((await web.get('/settings/authorizations')).text).not.toMatch(/>Two Browsers</);
  });

  it('a browser signed in to Tessera goes straight to consent, unless the app asks for a fresh sign-in', async () => {
    const app = await registerThroughForm('Seamless');
    const { page: signedIn } = await authorizationPage(web, app, { scope: 'openid user' });
    expect(signedIn.path).toMatch(/^\/interaction\//);
    expect(signedIn.text).toContain('Authorize Seamless');
    expect(signedIn.text).not.toContain('name="password"');

    const { page: forced } = await authorizationPage(web, app, { scope: 'openid user', prompt: 'login consent' });
    expect(forced.text).toContain('name="password"');
    const { page: stranger } = await authorizationPage(new WebClient(server.url), app, { scope: 'openid user' });
    expect(stranger.text).toContain('name="password"');
  });

  it('shows the consent page in Chinese by Accept-Language or the language cookie, descriptions from the registry', async () => {
    const app = await registerThroughForm('中文应用');
    const zh = new WebClient(server.url, { 'Accept-Language': 'zh-CN,zh;q=0.9' });
    const { page: login } = await authorizationPage(zh, app, { scope: 'openid user' });
    expect(login.text).toContain('<html lang="zh-Hans">');
    expect(login.text).toContain('登录以继续使用 中文应用');
    const consent = await zh.submit(login, { action: 'login', ...alice });
    expect(consent.text).toContain('授权 中文应用');
    expect(consent.text).toContain(server.container.scopes.get('user')!.description.zh);

    // The switcher's cookie wins over Accept-Language, on these pages too.
    const switched = await zh.get(`/language/en?next=${encodeURIComponent(consent.path)}`);
    expect(switched.location).toBe(consent.path);
    const english = await zh.follow(consent.path);
    expect(english.text).toContain('Authorize 中文应用');
    expect(english.text).toContain(server.container.scopes.get('user')!.description.en);
  });

  it('refuses app and authorization forms without a CSRF token, and changes nothing', async () => {
    const { clientId } = await registerThroughForm('Guarded');
    const aliceUser = await server.container.users.getByUsername('alice');
    const app = (await server.container.applications.list(aliceUser)).find((a) => a.clientId === clientId)!;
    for (const [path, form] of [
      ['/settings/applications', { name: 'x', redirect_uris: REDIRECT_URI, grant_types: 'authorization_code' }],
      [`/settings/applications/${app.id}`, { name: 'pwned', redirect_uris: REDIRECT_URI, grant_types: 'authorization_code' }],
      [`/settings/applications/${app.id}/secret`, {}],
      [`/settings/applications/${app.id}/delete`, { _csrf: 'forged' }],
      ['/settings/authorizations/abc/revoke', {}],
    ] as const) {
      const res = await web.post(path, form);
      expect(res.status).toBe(403);
      expect(res.text).toContain('did not come from this site');
    }
    expect((await server.container.applications.get(aliceUser, app.id)).name).toBe('Guarded');
  });

  it("another user's app and authorization ids answer 404, exactly like missing ones", async () => {
    const bob = await server.createUser('bob');
    const bobWeb = new WebClient(server.url);
    await bobWeb.signIn(bob.username, bob.password);
    const { clientId, clientSecret } = await registerThroughForm('Alice App');
    const app = (await server.container.applications.list(await server.container.users.getByUsername('alice'))).find((a) => a.clientId === clientId)!;
    // Bob authorizes Alice's app; Alice must not see or revoke Bob's authorization, nor Bob edit Alice's app.
    const { tokens } = await authorize(new WebClient(server.url), { clientId, clientSecret }, bob);
    const bobList = await bobWeb.get('/settings/authorizations');
    const grantId = /href="\/settings\/authorizations\/([^/"]+)\/revoke"/.exec(bobList.text)![1]!;
    const aliceCsrf = await web.csrf('/settings/authorizations');
    for (const id of [grantId, 'no-such-grant']) {
      expect((await web.get(`/settings/authorizations/${id}/revoke`)).status).toBe(404);
      expect((await web.post(`/settings/authorizations/${id}/revoke`, { _csrf: aliceCsrf })).status).toBe(404);
    }
    expect(await userinfoStatus(server.url, tokens.access_token)).toBe(200);

    const bobCsrf = await bobWeb.csrf('/settings/applications');
    for (const id of [app.id, 999_999]) {
      expect((await bobWeb.get(`/settings/applications/${id}`)).status).toBe(404);
      expect((await bobWeb.get(`/settings/applications/${id}/delete`)).status).toBe(404);
      expect((await bobWeb.post(`/settings/applications/${id}`, { _csrf: bobCsrf, name: 'pwned', redirect_uris: REDIRECT_URI, grant_types: 'authorization_code' })).status).toBe(404);
      expect((await bobWeb.post(`/settings/applications/${id}/secret`, { _csrf: bobCsrf })).status).toBe(404);
      const del = await bobWeb.post(`/settings/applications/${id}/delete`, { _csrf: bobCsrf });
      expect(del.status).toBe(404);
      expect(del.text).toContain('This page does not exist.');
    }
    expect((await server.container.applications.get(await server.container.users.getByUsername('alice'), app.id)).name).toBe('Alice App');
  });

  it('the device verification page is drawn in the shared layout, with a labelled code field', async () => {
    const page = await web.get('/device');
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/static/tessera.css');
    expect(page.text).toContain('<label for="user_code">Code</label>');
    expect(page.text).toContain('name="xsrf"');
    const zh = await new WebClient(server.url, { 'Accept-Language': 'zh' }).get('/device');
    expect(zh.text).toContain('输入设备上显示的代码');
  });
});

describe('device verification page', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('a person enters the code, approves, signs in and consents; the device then gets its token', async () => {
    const alice = await server.createUser('alice');
    const owner = await server.container.users.getByUsername('alice');
    const { app } = await server.container.applications.create(owner, {
      name: 'Terminal Tool',
      redirectUris: [],
      type: 'public',
      grantTypes: [DEVICE_CODE],
    });
    const started = (await postForm(`${server.url}/device/auth`, { client_id: app.clientId, scope: 'openid user' })).body as { device_code: string; user_code: string };

    const web = new WebClient(server.url, { 'Accept-Language': 'zh-CN' });
    const input = await web.get('/device');
    expect(input.text).toContain('<label for="user_code">代码</label>');
    const confirm = await web.post('/device', { xsrf: hiddenField(input.text, 'xsrf')!, user_code: started.user_code });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('<h1>确认设备</h1>');
    expect(confirm.text).toContain('Terminal Tool');
    const approved = await web.post('/device', { xsrf: hiddenField(confirm.text, 'xsrf')!, user_code: hiddenField(confirm.text, 'user_code')!, confirm: 'yes' });
    expect(approved.status).toBe(303);
    const login = await web.follow(approved.location!);
    const consent = await web.submit(login, { action: 'login', ...alice });
    expect(consent.text).toContain('授权 Terminal Tool');
    const done = await web.submit(consent, { action: 'confirm' });
    expect(done.text).toContain('<h1>设备已连接</h1>');

    const token = await postForm(`${server.url}/token`, { grant_type: DEVICE_CODE, device_code: started.device_code, client_id: app.clientId });
    expect(token.status).toBe(200);
  });

  it("the authorization server's own error pages (unknown client) are drawn in the shared layout too", async () => {
    const res = await new WebClient(server.url, { 'Accept-Language': 'zh-CN' }).get('/auth?client_id=nope&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fx.example%2Fcb');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('href="/static/tessera.css');
    expect(res.text).toContain('<h1>出错了</h1>');
    expect(res.text).toContain('<code>invalid_client</code>');
  });

  it('a wrong code is answered on the same page, in the shared layout', async () => {
    const web = new WebClient(server.url);
    const input = await web.get('/device');
    const wrong = await web.post('/device', { xsrf: hiddenField(input.text, 'xsrf')!, user_code: 'BCDF-GHJK' });
    expect(wrong.text).toContain('The code you entered is incorrect or has expired.');
    expect(wrong.text).toContain('aria-describedby="code-hint form-error"');
  });
});
