import { api, startTestServer, type TestServer } from '../support/harness.js';
import { WebClient } from '../support/web-client.js';

/**
 * Free text a user sets (token names and descriptions, app names and URLs, display names, the
 * token search) refuses control characters and lone surrogates at every door: a NUL or an
 * escape sequence in a name used to be stored as typed, and a lone surrogate stored as U+FFFD.
 */
describe('free text refuses control characters and invalid UTF-16', () => {
  let server: TestServer;
  let nora: Awaited<ReturnType<TestServer['createUser']>>;
  let admin: Awaited<ReturnType<TestServer['createUser']>>;
  let tokenId: number;
  let appId: number;

  beforeAll(async () => {
    server = await startTestServer();
    nora = await server.createUser('nora');
    admin = await server.createUser('root', { admin: true });
    tokenId = (await api(server.url, 'POST', '/api/v1/user/tokens', { auth: nora.basic, body: { name: 'target', scopes: ['user'] } })).body.id;
    appId = (await api(server.url, 'POST', '/api/v1/user/applications', {
      auth: nora.basic,
      body: { name: 'target', redirect_uris: ['https://app.example/cb'] },
    })).body.id;
  });
  afterAll(() => server.close());

  /** Refused in every free-text field, with the code point named. */
  const refused: [string, RegExp][] = [
    ['\u0000', /control characters \(U\+0000\)/],
    ['ci\u0000job', /control characters \(U\+0000\)/],
    ['\u001b[31mred', /control characters \(U\+001B\)/],
    ['del\u007f', /control characters \(U\+007F\)/],
    ['next\u0085line', /control characters \(U\+0085\)/],
    ['evil\u202etxt.exe', /control characters \(U\+202E\)/],
    ['a\u2028b', /control characters \(U\+2028\)/],
    ['\ud800', /valid Unicode text \(lone surrogate U\+D800\)/],
    ['key \udc00', /valid Unicode text \(lone surrogate U\+DC00\)/],
    ['\ud83d', /valid Unicode text/], // half of an emoji
  ];
  /** Accepted everywhere: surrogate pairs, joiners, accents, other scripts. */
  const accepted = ['🔑 deploy', '👩‍💻 dev', 'Zoë', '部署令牌', 'مفتاح'];

  const email = () => `${Math.random().toString(36).slice(2, 10)}@example.test`;
  const username = () => `u${Math.random().toString(36).slice(2, 10)}`;
  /** A JSON field, the request that sets it, and the member of the answer that echoes it. */
  const fields: [string, (text: string) => Promise<{ status: number; body: any }>, string][] = [
    ['token name (create)', (t) => api(server.url, 'POST', '/api/v1/user/tokens', { auth: nora.basic, body: { name: t, scopes: ['user'] } }), 'name'],
    ['token description (create)', (t) => api(server.url, 'POST', '/api/v1/user/tokens', { auth: nora.basic, body: { name: 'x', description: t, scopes: ['user'] } }), 'description'],
    ['token name (update)', (t) => api(server.url, 'PATCH', `/api/v1/user/tokens/${tokenId}`, { auth: nora.basic, body: { name: t } }), 'name'],
    ['token description (update)', (t) => api(server.url, 'PATCH', `/api/v1/user/tokens/${tokenId}`, { auth: nora.basic, body: { description: t } }), 'description'],
    ['impersonation token name', (t) => api(server.url, 'POST', '/api/v1/users/nora/impersonation-tokens', { auth: admin.basic, body: { name: t, scopes: ['user'] } }), 'name'],
    ['app name (create)', (t) => api(server.url, 'POST', '/api/v1/user/applications', { auth: nora.basic, body: { name: t, redirect_uris: ['https://app.example/cb'] } }), 'name'],
    ['app name (update)', (t) => api(server.url, 'PATCH', `/api/v1/user/applications/${appId}`, { auth: nora.basic, body: { name: t } }), 'name'],
    ['display name', (t) => api(server.url, 'POST', '/api/v1/users', { auth: admin.basic, body: { username: username(), email: email(), name: t, password: 'long enough password' } }), 'name'],
  ];

  it.each(fields)('%s: refused with 400 naming the field and the character', async (_field, send, member) => {
    for (const [text, message] of refused) {
      const res = await send(text);
      expect({ text, status: res.status, body: res.body }).toEqual({
        text,
        status: 400,
        body: { error: 'invalid_request', error_description: expect.stringMatching(message) },
      });
      expect(res.body.error_description.startsWith(`${member}: `)).toBe(true);
    }
  });

  it.each(fields)('%s: letters of any script, emoji and joiners are kept as sent', async (_field, send, member) => {
    for (const text of accepted) {
      const res = await send(text);
      if (res.status >= 300) throw new Error(`${JSON.stringify(text)} → ${res.status} ${JSON.stringify(res.body)}`);
      expect(res.body[member]).toBe(text);
    }
  });

  it('a description keeps tabs and line breaks, stored with LF; other controls are refused', async () => {
    const res = await api(server.url, 'PATCH', `/api/v1/user/tokens/${tokenId}`, { auth: nora.basic, body: { description: 'line one\r\nline two\rthree\n\tindented' } });
    expect(res.status).toBe(200);
    expect(res.body.description).toBe('line one\nline two\nthree\n\tindented');
    const read = await api(server.url, 'GET', `/api/v1/user/tokens/${tokenId}`, { auth: nora.basic });
    expect(read.body.description).toBe('line one\nline two\nthree\n\tindented');
    for (const text of ['tab\tin a name', 'two\nlines']) {
      const name = await api(server.url, 'PATCH', `/api/v1/user/tokens/${tokenId}`, { auth: nora.basic, body: { name: text } });
      expect(name.status).toBe(400);
    }
    const vt = await api(server.url, 'PATCH', `/api/v1/user/tokens/${tokenId}`, { auth: nora.basic, body: { description: 'a\u000bb' } });
    expect(vt.body.error_description).toBe('description: must not contain control characters (U+000B)');
  });

  it('app URLs refuse control characters too', async () => {
    const body = (extra: Record<string, unknown>) => ({ name: 'x', redirect_uris: ['https://app.example/cb'], ...extra });
    const homepage = await api(server.url, 'POST', '/api/v1/user/applications', { auth: nora.basic, body: body({ homepage_url: 'https://app.example/\u0000' }) });
    expect(homepage.body.error_description).toBe('homepage_url: must not contain control characters (U+0000)');
    const redirect = await api(server.url, 'POST', '/api/v1/user/applications', { auth: nora.basic, body: body({ redirect_uris: ['https://app.example/c\u0000b'] }) });
    expect(redirect.body.error_description).toBe('redirect_uris.0: must not contain control characters (U+0000)');
  });

  it('the token search refuses control characters with a 400 (API) and ignores them (page); neither is a 500', async () => {
    for (const search of ['%00', '%1B', '%C2%85', '%E2%80%AE']) {
      const res = await api(server.url, 'GET', `/api/v1/user/tokens?search=${search}`, { auth: nora.basic });
      expect({ search, status: res.status, error: res.body.error }).toEqual({ search, status: 400, error: 'invalid_request' });
    }
    // Percent-encoded lone surrogates are not UTF-8: they decode to U+FFFD, an ordinary character.
    expect((await api(server.url, 'GET', '/api/v1/user/tokens?search=%ED%A0%80', { auth: nora.basic })).status).toBe(200);
    await api(server.url, 'POST', '/api/v1/user/tokens', { auth: nora.basic, body: { name: 'find me', scopes: ['user'] } });
    expect((await api(server.url, 'GET', '/api/v1/user/tokens?search=find%20me', { auth: nora.basic })).body).toHaveLength(1);

    const web = new WebClient(server.url);
    await web.signIn(nora.username, nora.password);
    const page = await web.get('/settings/tokens?search=%00');
    expect(page.status).toBe(200);
  });

  describe('web forms show the form error', () => {
    let web: WebClient;
    let root: WebClient;

    beforeAll(async () => {
      web = new WebClient(server.url);
      await web.signIn(nora.username, nora.password);
      root = new WebClient(server.url);
      await root.signIn(admin.username, admin.password);
    });

    it('new token: name and description', async () => {
      const _csrf = await web.csrf('/settings/tokens/new');
      const name = await web.post('/settings/tokens', { _csrf, name: 'ci\u001b[2Jjob', expiry: '7', scopes: 'user' });
      expect(name.status).toBe(400);
      expect(name.text).toMatch(/role="alert"[^]*Name: must not contain control characters \(U\+001B\)/);
      const description = await web.post('/settings/tokens', { _csrf, name: 'ci', description: 'a\u0000b', expiry: '7', scopes: 'user' });
      expect(description.status).toBe(400);
      expect(description.text).toMatch(/role="alert"[^]*Description: must not contain control characters \(U\+0000\)/);
      // What a browser's textarea sends: CR LF line breaks.
      const ok = await web.post('/settings/tokens', { _csrf, name: 'multi', description: 'first\r\nsecond', expiry: '7', scopes: 'user' });
      expect(ok.status).toBe(303);
      const [created] = (await api(server.url, 'GET', '/api/v1/user/tokens?search=multi', { auth: nora.basic })).body;
      expect(created.description).toBe('first\nsecond');
    });

    it('register an app: name', async () => {
      const res = await web.submitAppForm({ name: 'Totally\u0085Legit', redirect_uris: 'https://app.example/cb' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/role="alert"[^]*Application name: must not contain control characters \(U\+0085\)/);
    });

    it('admin → new user: display name', async () => {
      const _csrf = await root.csrf('/admin/users');
      const res = await root.post('/admin/users', { _csrf, username: 'zed', email: 'zed@example.test', display_name: 'Zed\u202e', password: 'zed-password-1' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/role="alert"[^]*Display name: must not contain control characters \(U\+202E\)/);
      await expect(server.container.users.getByUsername('zed')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    });
  });
});
