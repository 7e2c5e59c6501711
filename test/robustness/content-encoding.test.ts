import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../support/harness.js';

/**
 * A body whose Content-Encoding is compressed, unknown or does not match its bytes is never a
 * 500: Tessera's own routes (JSON API, web forms, sign-in/consent pages, introspection) answer
 * 415 with `Accept-Encoding: identity`, as a JSON error or the error page; the provider's own
 * endpoints answer with their OAuth error. A gzip bomb is never inflated.
 */
describe('request bodies with a Content-Encoding', () => {
  let server: TestServer;
  let basic: string;

  beforeAll(async () => {
    server = await startTestServer();
    basic = (await server.createUser('encoder')).basic;
  });
  afterAll(() => server?.close());

  const form = 'token=abc&client_id=x&client_secret=y';
  const json = JSON.stringify({ name: 'zipped', scopes: ['user'] });
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MB of zeros in ~64 kB

  const bodies: [string, string, (plain: string) => Buffer | string][] = [
    ['gzip, matching', 'gzip', (plain) => gzipSync(plain)],
    ['gzip, not matching', 'gzip', (plain) => plain],
    ['deflate, not matching', 'deflate', (plain) => plain],
    ['deflate, matching', 'deflate', (plain) => deflateSync(plain)],
    ['br, not matching', 'br', (plain) => plain],
    ['br, matching', 'br', (plain) => brotliCompressSync(plain)],
    ['unknown', 'x-squash', (plain) => plain],
    ['compress', 'compress', (plain) => plain],
    ['a list', 'gzip, identity', (plain) => gzipSync(plain)],
    ['a gzip bomb', 'gzip', () => bomb],
  ];

  /** [label, path, content type, plain body, extra headers, what answers: ours (415) or the provider's (4xx)] */
  const routes: [string, string, string, string, Record<string, string>, 'api' | 'page' | 'provider'][] = [
    ['JSON API', '/api/v1/user/tokens', 'application/json', json, {}, 'api'],
    ['introspection', '/token/introspection', 'application/x-www-form-urlencoded', form, {}, 'api'],
    ['web sign-in form', '/login', 'application/x-www-form-urlencoded', 'username=a&password=b', {}, 'page'],
    ['OAuth sign-in page', '/interaction/abc', 'application/x-www-form-urlencoded', 'action=login', {}, 'page'],
    ['token endpoint', '/token', 'application/x-www-form-urlencoded', 'grant_type=client_credentials', {}, 'provider'],
    ['revocation endpoint', '/token/revocation', 'application/x-www-form-urlencoded', form, {}, 'provider'],
    ['device authorization', '/device/auth', 'application/x-www-form-urlencoded', 'client_id=x', {}, 'provider'],
    ['device page', '/device', 'application/x-www-form-urlencoded', 'user_code=ABCD-EFGH', {}, 'provider'],
  ];

  const cases = routes.flatMap((route) => bodies.map((body) => [`${route[0]}: ${body[0]}`, route, body] as const));

  it.each(cases)('%s', async (_title, [, path, type, plain, headers, answeredBy], [, encoding, encode]) => {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'Content-Type': type, 'Content-Encoding': encoding, Authorization: path.startsWith('/api') ? basic : 'Basic eDp5', ...headers },
      body: encode(plain),
    });
    const text = await res.text();
    expect(res.status).toBeLessThan(500);
    expect(text).not.toMatch(/at \w+ \(|node_modules|\/src\//);
    if (answeredBy === 'provider') {
      expect(res.status).toBeGreaterThanOrEqual(400);
      return;
    }
    expect(res.status).toBe(415);
    expect(res.headers.get('accept-encoding')).toBe('identity');
    if (answeredBy === 'api') expect(JSON.parse(text)).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('Content-Encoding') });
    else expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('takes identity-encoded bodies as usual', async () => {
    const res = await fetch(`${server.url}/api/v1/user/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'identity', Authorization: basic },
      body: json,
    });
    expect(res.status).toBe(201);
  });

  it('still answers afterwards', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
