import { api, startTestServer, type TestServer } from '../support/harness.js';
import { WebClient } from '../support/web-client.js';

/** Sign-in, the session cookie, sign-out, CSRF, the session as API credentials. */
describe('web session', () => {
  let server: TestServer;
  let alice: { username: string; password: string };

  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true' });
    alice = await server.createUser('alice');
  });
  afterAll(() => server.close());

  const sessionCookieLine = (lines: string[]) => lines.find((l) => l.startsWith('tessera.sid='));

  it('signs in with a random-id cookie that is HttpOnly, SameSite=Lax, signed, and not Secure over http', async () => {
    const web = new WebClient(server.url);
    const res = await web.signIn(alice.username, alice.password);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/settings/tokens');
    const line = sessionCookieLine(res.setCookies)!;
    expect(line).toMatch(/httponly/i);
    expect(line).toMatch(/samesite=lax/i);
    expect(line).toMatch(/path=\//i);
    expect(line).not.toMatch(/secure/i);
    expect(res.setCookies.some((l) => l.startsWith('tessera.sid.sig='))).toBe(true);
    expect(web.cookies.get('tessera.sid')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const page = await web.get('/settings/tokens');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Signed in as alice');
  });

  it('marks the cookie Secure when the request came over https through the trusted proxy', async () => {
    const web = new WebClient(server.url, { 'X-Forwarded-Proto': 'https' });
    const res = await web.signIn(alice.username, alice.password);
    expect(res.status).toBe(303);
    expect(sessionCookieLine(res.setCookies)).toMatch(/;\s*secure/i);
  });

  it('refuses a tampered or forged cookie', async () => {
    const web = new WebClient(server.url);
    await web.signIn(alice.username, alice.password);
    web.cookies.set('tessera.sid', `${web.cookies.get('tessera.sid')!.slice(0, -2)}AA`);
    const res = await web.get('/settings/tokens');
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/login\?next=/);
  });

  it('answers a wrong password with the form again (401) and no session', async () => {
    const web = new WebClient(server.url);
    const _csrf = await web.csrf('/login');
    const res = await web.post('/login', { _csrf, username: alice.username, password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Wrong username or password.');
    expect(res.text).toContain('value="alice"');
    expect(web.cookies.has('tessera.sid')).toBe(false);
  });

  it('throttles repeated failed sign-ins for a username from one address (429 page)', async () => {
    const bob = await server.createUser('bob-throttled');
    const web = new WebClient(server.url);
    const _csrf = await web.csrf('/login');
    for (let i = 0; i < 10; i++) {
      expect((await web.post('/login', { _csrf, username: bob.username, password: `nope-${i}` })).status).toBe(401);
    }
    const blocked = await web.post('/login', { _csrf, username: bob.username, password: bob.password });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(blocked.text).toContain('Too many failed sign-in attempts');
    expect(web.cookies.has('tessera.sid')).toBe(false);
  });

  it('refuses every form without a valid CSRF token with a 403 page', async () => {
    const web = new WebClient(server.url);
    const anonymous = await web.post('/login', { username: alice.username, password: alice.password });
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get('content-type')).toMatch(/text\/html/);
    expect(web.cookies.has('tessera.sid')).toBe(false);

    await web.signIn(alice.username, alice.password);
    const form = { name: 'x', expiry: '30', scopes: 'user' };
    for (const [path, body] of [
      ['/settings/tokens', form],
      ['/settings/tokens', { ...form, _csrf: 'not-the-token' }],
      ['/settings/tokens/delete-all', {}],
      ['/logout', {}],
    ] as const) {
      const res = await web.post(path, body);
      expect(res.status).toBe(403);
      expect(res.text).toContain('did not come from this site');
    }
    // Nothing happened: no token was created and the session still works.
    const [, total] = await server.container.pats.list((await server.container.users.getByUsername('alice')), { state: 'all', offset: 0, limit: 1 });
    expect(total).toBe(0);
    expect((await web.get('/settings/tokens')).status).toBe(200);
  });

  it('a CSRF token of one session does not work in another', async () => {
    const one = new WebClient(server.url);
    const two = new WebClient(server.url);
    await one.signIn(alice.username, alice.password);
    await two.signIn(alice.username, alice.password);
    const foreign = await one.csrf('/settings/tokens');
    const res = await two.post('/settings/tokens', { _csrf: foreign, name: 'x', expiry: '30', scopes: 'user' });
    expect(res.status).toBe(403);
  });

  it('logout deletes the server-side session: the old cookie no longer works anywhere', async () => {
    const web = new WebClient(server.url);
    await web.signIn(alice.username, alice.password);
    const stolen = new Map(web.cookies);
    const _csrf = await web.csrf('/settings/tokens');
    const out = await web.post('/logout', { _csrf });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/login');
    expect(web.cookies.has('tessera.sid')).toBe(false);

    const replay = new WebClient(server.url);
    for (const [k, v] of stolen) replay.cookies.set(k, v);
    const page = await replay.get('/settings/tokens');
    expect(page.status).toBe(303);
    expect(page.location).toMatch(/^\/login/);
    const apiCall = await api(server.url, 'GET', '/api/v1/user/tokens', { headers: { Cookie: `tessera.sid=${stolen.get('tessera.sid')}; tessera.sid.sig=${stolen.get('tessera.sid.sig')}` } });
    expect(apiCall.status).toBe(401);
  });

  it('sessions end after 12 hours', async () => {
    const web = new WebClient(server.url);
    await web.signIn(alice.username, alice.password);
    expect((await web.get('/settings/tokens')).status).toBe(200);
    server.clock.advance(12 * 3600_000 + 1000);
    const res = await web.get('/settings/tokens');
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/login/);
  });

  it('the session authenticates the JSON API; unsafe methods also need the X-CSRF-Token header', async () => {
    const web = new WebClient(server.url);
    await web.signIn(alice.username, alice.password);
    const cookie = web.cookieHeader('/api/v1/user/tokens');
    const csrf = await web.csrf('/settings/tokens');
    expect((await api(server.url, 'GET', '/api/v1/user/tokens', { headers: { Cookie: cookie } })).status).toBe(200);
    const body = { name: 'from-api', scopes: ['user'], expires_in_days: 7 };
    expect((await api(server.url, 'POST', '/api/v1/user/tokens', { headers: { Cookie: cookie }, body })).status).toBe(401);
    expect((await api(server.url, 'POST', '/api/v1/user/tokens', { headers: { Cookie: cookie, 'X-CSRF-Token': 'wrong' }, body })).status).toBe(401);
    const ok = await api(server.url, 'POST', '/api/v1/user/tokens', { headers: { Cookie: cookie, 'X-CSRF-Token': csrf }, body });
    expect(ok.status).toBe(201);
    expect((await api(server.url, 'DELETE', '/api/v1/user/tokens', { headers: { Cookie: cookie, 'X-CSRF-Token': csrf } })).status).toBe(204);
  });

  it('sends signed-out visitors to sign in and back to where they were going', async () => {
    const web = new WebClient(server.url);
    const res = await web.get('/settings/tokens/new');
    expect(res.location).toBe('/login?next=%2Fsettings%2Ftokens%2Fnew');
    const _csrf = await web.csrf('/login?next=%2Fsettings%2Ftokens%2Fnew');
    const signedIn = await web.post('/login', { _csrf, username: alice.username, password: alice.password, next: '/settings/tokens/new' });
    expect(signedIn.location).toBe('/settings/tokens/new');
    // An off-site "next" is ignored.
    const other = new WebClient(server.url);
    const c2 = await other.csrf('/login');
    expect((await other.post('/login', { _csrf: c2, username: alice.username, password: alice.password, next: '//evil.example/' })).location).toBe('/settings/tokens');
  });

  it('pages carry no-store, a strict CSP and frame denial', async () => {
    const res = await new WebClient(server.url).get('/login');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
