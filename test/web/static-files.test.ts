import http from 'node:http';
import { startTestServer, type TestServer } from '../support/harness.js';

/** /static/<name>: the two assets, or 404 — never a 500, whatever the name. */
describe('static files', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('serves the stylesheet with an ETag, and 304 when it has not changed', async () => {
    const res = await fetch(`${server.url}/static/tessera.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/css');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    // Not fetch(): it adds Cache-Control: no-cache to conditional requests, which forbids a 304.
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`${server.url}/static/tessera.css`, { headers: { 'If-None-Match': etag } }, (res) => resolve(res.resume().statusCode!)).on('error', reject);
    });
    expect(status).toBe(304);
  });

  const hostile = [
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    'tessera.css%00',
    '..%2Fpackage.json',
    '%2e%2e%2fpackage.json',
    'x'.repeat(5000),
    '%E0%A4%A',
    '%ff',
  ];
  it.each(hostile.map((name) => [name.length > 40 ? `${name.slice(0, 8)}… (${name.length} characters)` : name, name]))('answers 404 (JSON error) for /static/%s', async (_title, name) => {
    const res = await fetch(`${server.url}/static/${name}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: expect.any(String), error_description: expect.any(String) });
  });
});
