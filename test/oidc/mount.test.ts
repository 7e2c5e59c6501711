import { createHash, randomBytes } from 'node:crypto';
import Koa from 'koa';
import { mountProvider } from '../../src/oidc/mount.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { REDIRECT_URI, registerApp } from '../support/oauth.js';

/**
 * oidc-provider mounted in Tessera's app as its documentation says for Koa (src/oidc/mount.ts):
 * it runs inside the app's middleware, goes by the app's `proxy` setting (the provider's own is
 * never consulted), and signs its cookies with the app's keys and its own, which must be one set.
 */
describe.each([
  ['without TRUST_PROXY', 'false'],
  ['with TRUST_PROXY', 'true'],
])('the authorization server mounted in the app, %s', (_label, trustProxy) => {
  let server: TestServer;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: trustProxy });
    const alice = await server.createUser('alice');
    clientId = (await registerApp(server.url, alice.basic, { name: 'Web' })).client_id;
  });
  afterAll(() => server?.close());

  it("answers its routes inside the app's middleware: the request id and security headers", async () => {
    const res = await fetch(`${server.url}/.well-known/openid-configuration`, { headers: { 'X-Request-Id': 'mount-probe-1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('mount-probe-1');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it.each(['/nope', '/token/nope', '/.well-known/nope'])("passes a path it does not route (%s) on to the app's 404", async (path) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(((await res.json()) as { error: string }).error).toBe('not_found');
  });

  const secure = (lines: string[], name: string) => {
    const line = lines.find((l) => l.startsWith(`${name}=`));
    if (!line) throw new Error(`no ${name} cookie in ${JSON.stringify(lines)}`);
    return /;\s*secure/i.test(line);
  };

  it('marks its session cookie (set through its own context) Secure exactly when a trusted proxy says https', async () => {
    for (const proto of ['https', 'http']) {
      const res = await fetch(`${server.url}/device`, { headers: { 'X-Forwarded-Proto': proto } });
      expect(res.status).toBe(200);
      expect([proto, secure(res.headers.getSetCookie(), '_session')]).toEqual([proto, proto === 'https' && trustProxy === 'true']);
    }
  });

  it("marks its interaction cookies (set through the app's context) Secure exactly when a trusted proxy says https", async () => {
    const query = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
      code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
      code_challenge_method: 'S256',
    });
    for (const proto of ['https', 'http']) {
      const res = await fetch(`${server.url}/auth?${query.toString()}`, { headers: { 'X-Forwarded-Proto': proto }, redirect: 'manual' });
      expect(res.status).toBe(303);
      const cookies = res.headers.getSetCookie();
      expect([proto, secure(cookies, '_interaction'), secure(cookies, '_interaction_resume')]).toEqual([proto, ...Array(2).fill(proto === 'https' && trustProxy === 'true')]);
    }
  });

  it("refuses to mount in an app whose cookie keys are not the provider's", () => {
    expect(() => mountProvider(new Koa({ keys: ['some-other-key'] }), server.container.oidc)).toThrow(/same keys/);
    expect(() => mountProvider(new Koa(), server.container.oidc)).toThrow(/same keys/);
    expect(() => mountProvider(new Koa({ keys: [...server.config.cookieKeys] }), server.container.oidc)).not.toThrow();
  });
});
