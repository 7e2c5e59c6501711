import { createHmac } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/harness.js';
import * as oidc from 'openid-client';
import { authorizationRequest, deviceApp, registerApp, relyingParty, type ConfidentialApp } from '../support/oauth.js';
import { hiddenField, WebClient } from '../support/web-client.js';

/**
 * Requests without credentials persist nothing: oidc-provider keeps a form's xsrf secret in a
 * session, and used to store one (a 14-day row) for every visit to /device or /session/end.
 * Signed-out sessions now live in the browser; only signed-in ones are stored. And no
 * combination of cookies and form fields at POST /device answers 500 (oidc-provider's
 * "persist can only be called on previously persisted Sessions").
 */
describe('anonymous requests to the authorization server', () => {
  let server: TestServer;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  let webApp: ConfidentialApp;
  let cliApp: { client_id: string };
  let webRp: oidc.Configuration;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    webApp = await registerApp(server.url, alice.basic, { name: 'Web' });
    webRp = await relyingParty(server.url, webApp);
    cliApp = await registerApp(server.url, alice.basic, deviceApp('CLI'));
  });
  afterAll(() => server?.close());

  /** Everything an anonymous request could have written: provider rows, web sessions, Redis keys. */
  async function footprint(): Promise<{ oidcRows: number; webSessions: number; redisKeys: number }> {
    const count = async (table: string) => Number((await server.container.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    const redis = server.container.redis;
    return {
      oidcRows: await count('oidc_payloads'),
      webSessions: await count('web_sessions'),
      redisKeys: redis ? (await redis.keys(`${server.config.redisKeyPrefix}*`)).length : 0,
    };
  }

  async function startDevice(): Promise<string> {
    const res = await fetch(`${server.url}/device/auth`, { method: 'POST', body: new URLSearchParams({ client_id: cliApp.client_id, scope: 'user' }) });
    return ((await res.json()) as { user_code: string }).user_code;
  }

  /** Koa's signed cookie pair (as COOKIE_KEYS signs it), for cookies a browser could not forge. */
  function signedCookie(name: string, value: string): string {
    const sig = createHmac('sha1', server.config.cookieKeys[0]!).update(`${name}=${value}`).digest('base64').replace(/\//g, '_').replace(/\+/g, '-').replace(/=+$/, '');
    return `${name}=${value}; ${name}.sig=${sig}`;
  }

  it('200 cookie-less visits to /device and /session/end, and their follow-up posts, write nothing', async () => {
    const before = await footprint();
    for (let i = 0; i < 50; i++) {
      const device = await new WebClient(server.url).get('/device');
      expect(device.status).toBe(200);
      expect((await fetch(`${server.url}/session/end`)).status).toBe(200);
      // Without the page's secret: the form again, with a fresh one (400).
      expect((await fetch(`${server.url}/device`, { method: 'POST', body: new URLSearchParams({ user_code: 'BCDF-GHJK' }) })).status).toBe(400);
      // A stale but validly signed provider session cookie (its session is not stored).
      const sid = /_session=([^;]+)/.exec(device.setCookies.join('\n'))![1]!;
      expect((await fetch(`${server.url}/session/end`, { headers: { Cookie: signedCookie('_session', sid) } })).status).toBe(200);
    }
    expect(await footprint()).toEqual(before);
  });

  it('the device page still works from a signed-out browser: its xsrf secret travels in the browser', async () => {
    const userCode = await startDevice();
    const web = new WebClient(server.url);
    const input = await web.get('/device');
    const before = await footprint();
    const confirm = await web.post('/device', { xsrf: hiddenField(input.text, 'xsrf')!, user_code: userCode });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('CLI');
    expect(await footprint()).toEqual(before);
    // Another instance would read the same cookie: nothing of it is kept server-side.
    const approved = await web.post('/device', { xsrf: hiddenField(confirm.text, 'xsrf')!, user_code: hiddenField(confirm.text, 'user_code')!, confirm: 'yes' });
    expect(approved.status).toBe(303);
    const login = await web.follow(approved.location!);
    expect(login.text).toContain('name="password"');
  });

  it('an anonymous sign-out completes (its form and secret come back from the browser)', async () => {
    const web = new WebClient(server.url);
    const page = await web.get('/session/end');
    const done = await web.post('/session/end/confirm', { xsrf: hiddenField(page.text, 'xsrf')!, logout: 'yes' });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${server.url}/session/end/success`);
  });

  it('a sign-out whose state is too large for a cookie is not kept anywhere: its form fails cleanly', async () => {
    const before = await footprint();
    const web = new WebClient(server.url);
    const page = await web.get(`/session/end?client_id=${webApp.client_id}&state=${'s'.repeat(4000)}`);
    expect(page.status).toBe(200);
    const done = await web.post('/session/end/confirm', { xsrf: hiddenField(page.text, 'xsrf')!, logout: 'yes' }, { Accept: 'text/html' });
    expect(done.status).toBe(400);
    expect(done.text).toContain('could not find logout details');
    expect(await footprint()).toEqual(before);
  });

  it('a session signed in through the provider is stored as before, and ends at sign-out', async () => {
    const web = new WebClient(server.url);
    const login = await web.follow((await authorizationRequest(webRp, { scope: 'openid' })).url.href);
    const before = await footprint();
    await web.submit(login, { action: 'login', username: alice.username, password: alice.password });
    expect((await footprint()).oidcRows).toBe(before.oidcRows + 1);
    const question = await web.get('/session/end');
    expect(question.text).toContain('op.logoutForm');
    await web.post('/session/end/confirm', { xsrf: hiddenField(question.text, 'xsrf')!, logout: 'yes' });
    expect((await footprint()).oidcRows).toBe(before.oidcRows);
  });

  it('a browser cannot sign itself in with a signed-out session cookie carrying an account', async () => {
    const sid = 'forged-session-id-000000000000000000000';
    const exp = Math.floor(Date.now() / 1000) + 600;
    const payload = Buffer.from(JSON.stringify({ jti: sid, uid: 'u', kind: 'Session', exp, iat: exp - 600, accountId: '1', loginTs: exp - 600, state: { secret: 'x' } })).toString('base64url');
    const res = await fetch(`${server.url}/session/end`, { headers: { Cookie: `${signedCookie('_session', sid)}; ${signedCookie('tessera.oidc_anon', payload)}` } });
    const text = await res.text();
    // The signed-in question page would name the account; the anonymous form posts itself.
    expect(text).not.toContain('op.logoutForm');
    expect(text).toContain('name="logout" value="yes"');
  });

  describe('POST /device never answers 500', () => {
    let cookieJars: Record<string, string>;

    beforeAll(async () => {
      const anonymous = new WebClient(server.url);
      await anonymous.get('/device');
      const signedIn = new WebClient(server.url);
      const login = await signedIn.follow((await authorizationRequest(webRp, { scope: 'openid' })).url.href);
      await signedIn.submit(login, { action: 'login', username: alice.username, password: alice.password });
      const web = new WebClient(server.url);
      await web.signIn(alice.username, alice.password);
      const header = (jar: WebClient) => jar.cookieHeader('/device');
      cookieJars = {
        none: '',
        'signed-out provider session': header(anonymous),
        'signed-in provider session': header(signedIn),
        'stale provider session': signedCookie('_session', 'gone-000000000000000000000000000000000'),
        'Tessera web session': header(web),
        garbage: '_session=x; _session.sig=y; tessera.oidc_anon=%%%; tessera.sid=z',
      };
    });

    const codes = ['valid', 'wrong', 'missing'] as const;
    const xsrfs = ['right', 'wrong', 'missing'] as const;
    const actions = ['none', 'confirm', 'abort'] as const;

    it.each(['none', 'signed-out provider session', 'signed-in provider session', 'stale provider session', 'Tessera web session', 'garbage'])(
      'with cookie: %s — every user code, xsrf and action',
      async (cookieName) => {
        for (const code of codes) {
          for (const xsrf of xsrfs) {
            for (const action of actions) {
              const cookie = cookieJars[cookieName]!;
              // The right xsrf is the one the page just gave this browser.
              const page = await fetch(`${server.url}/device`, { headers: cookie ? { Cookie: cookie } : {} });
              const given = hiddenField(await page.text(), 'xsrf')!;
              const form: Record<string, string> = {};
              if (code !== 'missing') form.user_code = code === 'valid' ? await startDevice() : 'BCDF-GHJK';
              if (xsrf !== 'missing') form.xsrf = xsrf === 'right' ? given : 'not-the-secret';
              if (action !== 'none') form[action] = 'yes';
              const res = await fetch(`${server.url}/device`, { method: 'POST', body: new URLSearchParams(form), headers: { ...(cookie ? { Cookie: cookie } : {}), Accept: 'text/html' }, redirect: 'manual' });
              const body = await res.text();
              expect([code, xsrf, action, res.status < 500]).toEqual([code, xsrf, action, true]);
              if (res.status !== 303) {
                expect(res.headers.get('content-type')).toMatch(/^text\/html/);
                expect(body).toMatch(/<label for="user_code">|<h1>|role="alert"/);
              }
            }
          }
        }
      },
      60_000,
    );

    it.each(['none', 'signed-out provider session', 'stale provider session', 'garbage'])('GET /device/:uid (resume) with cookie: %s', async (cookieName) => {
      const cookie = cookieJars[cookieName]!;
      const res = await fetch(`${server.url}/device/nope`, { headers: cookie ? { Cookie: cookie } : {}, redirect: 'manual' });
      // No such device flow: the code page again, with an error, whatever the cookies.
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(/role="alert"[^]*<label for="user_code">/);
    });
  });
});
