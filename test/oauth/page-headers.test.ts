import { createHash } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/harness.js';
import { deviceApp, REDIRECT_URI, registerApp } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

/**
 * Every HTML page the authorization server answers with, including the ones oidc-provider
 * draws by itself (its auto-submitting forms), carries Tessera's page headers: a strict
 * Content-Security-Policy that forbids framing, X-Frame-Options and no caching. The policy
 * has no form-action (the forms post to the provider, which redirects on to the app) and
 * admits an inline script only by its hash, so the auto-submit still runs.
 */
describe('security headers on the authorization server’s pages', () => {
  let server: TestServer;
  let app: { client_id: string };

  beforeAll(async () => {
    server = await startTestServer();
    const alice = await server.createUser('alice');
    app = await registerApp(server.url, alice.basic, { name: 'Web' });
    await registerApp(server.url, alice.basic, deviceApp('CLI'));
  });
  afterAll(() => server?.close());

  function expectPageHeaders(res: { status: number; headers: Headers; text: string }): void {
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.has('form-action')).toBe(false);
    const scriptSources = directives.get('script-src') ?? [];
    expect(scriptSources).not.toContain("'unsafe-inline'");
    // Each inline script is allowed by its own hash, and nothing else inline is.
    for (const [, script] of res.text.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
      expect(scriptSources).toContain(`'sha256-${createHash('sha256').update(script!).digest('base64')}'`);
    }
  }

  it('/session/end without a session: the auto-submitting sign-out form', async () => {
    const res = await new WebClient(server.url).get('/session/end');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<script>');
    expectPageHeaders(res);
  });

  it('/device?user_code=…: the auto-submitting code form', async () => {
    const res = await new WebClient(server.url).get('/device?user_code=BCDF-GHJK');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<script>');
    expectPageHeaders(res);
  });

  it('response_mode=form_post: the auto-submitting answer to the app', async () => {
    const query = new URLSearchParams({ client_id: app.client_id, redirect_uri: REDIRECT_URI, response_type: 'code', response_mode: 'form_post', scope: 'nope', state: 's' });
    const res = await new WebClient(server.url).get(`/auth?${query.toString()}`);
    expect(res.text).toContain(`action="${REDIRECT_URI}"`);
    expect(res.text).toContain('<script>');
    expectPageHeaders(res);
  });

  it.each([
    ['the device page', '/device'],
    ['an error page (unknown client)', '/auth?client_id=nope&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fx.example%2Fcb'],
  ])('%s drawn by Tessera', async (_name, path) => {
    expectPageHeaders(await new WebClient(server.url).get(path));
  });

  it('JSON answers of the provider are left as they were', async () => {
    const res = await new WebClient(server.url).get('/.well-known/openid-configuration');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('content-security-policy')).toBeNull();
  });
});
