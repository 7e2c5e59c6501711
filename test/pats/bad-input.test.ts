import { api, startTestServer, type TestServer } from '../support/harness.js';

/** The quality bar: bad input of any shape is a 4xx with an RFC-style body, never a 500. */
describe('PAT endpoints never answer 500 to odd input', () => {
  let server: TestServer;
  let nora: Awaited<ReturnType<TestServer['createUser']>>;
  let admin: Awaited<ReturnType<TestServer['createUser']>>;
  let id: number;

  beforeAll(async () => {
    server = await startTestServer();
    nora = await server.createUser('nora');
    admin = await server.createUser('root', { admin: true });
    id = (await api(server.url, 'POST', '/api/v1/user/tokens', { auth: nora.basic, body: { name: 'target', scopes: ['user'] } })).body.id;
  });
  afterAll(() => server.close());

  const bodies = [
    'null',
    '"a string"',
    '123',
    '[]',
    '{"__proto__": {"admin": true}, "name": "x", "scopes": ["user"]}',
    '{"constructor": {"prototype": {"x": 1}}, "name": "x", "scopes": ["user"]}',
    '{"name": {"a": 1}, "scopes": ["user"]}',
    '{"name": "x", "scopes": "user"}',
    '{"name": "x", "scopes": [1, null]}',
    '{"name": "x", "scopes": ["user"], "ip_allowlist": "10.0.0.1"}',
    '{"name": "x", "scopes": ["user"], "ip_allowlist": [null, 7]}',
    `{"name": "x", "scopes": ["user"], "ip_allowlist": ${JSON.stringify(Array.from({ length: 101 }, (_, i) => `10.0.0.${i % 255}`))}}`,
    '{"name": "x", "scopes": ["user"], "expires_at": {}}',
    '{"name": "x", "scopes": ["user"], "expires_in_days": 1e400}',
    '{"name": "x", "scopes": ["user"], "expires_in_days": 99999999}',
    '{"name": "x", "scopes": ["user"], "expires_at": "9999-12-31T23:59:59Z", "description": "\\u0000"}',
    `{"name": "x", "scopes": ${JSON.stringify(Array.from({ length: 101 }, () => 'user'))}}`,
    '{"name": "\\ud800", "scopes": ["user"]}',
    '',
    '{',
  ];

  it.each([
    ['POST', '/api/v1/user/tokens'],
    ['PATCH', '/api/v1/user/tokens/:id'],
    ['POST', '/api/v1/user/tokens/:id/regenerate'],
    ['POST', '/api/v1/users/nora/impersonation-tokens'],
  ])('%s %s', async (method, template) => {
    const path = () => template.replace(':id', String(id));
    const auth = path().includes('impersonation') ? admin.basic : nora.basic;
    for (const rawBody of bodies) {
      const res = await api(server.url, method, path(), { auth, rawBody });
      // Some of these are valid (2xx); none may be a 500 or an error without an RFC-style body.
      if (res.status >= 500 || (res.status >= 400 && typeof res.body?.error !== 'string')) {
        throw new Error(`${method} ${path()} ${rawBody.slice(0, 60)} → ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
  });

  it('odd query strings and ids', async () => {
    for (const path of [
      '/api/v1/user/tokens?limit=1&limit=2',
      '/api/v1/user/tokens?state[]=all',
      '/api/v1/user/tokens?offset=1e3',
      '/api/v1/user/tokens?search=%00',
      '/api/v1/user/tokens?search=%E0%A4%A',
      '/api/v1/user/tokens/%E0%A4%A',
      '/api/v1/user/tokens/1e3',
      '/api/v1/user/tokens/0x10',
      '/api/v1/users/%00/impersonation-tokens',
      `/api/v1/users/${'a'.repeat(5000)}/impersonation-tokens`,
    ]) {
      const auth = path.includes('/users/') ? admin.basic : nora.basic;
      const res = await api(server.url, 'GET', path, { auth });
      if (res.status >= 500 || (res.status >= 400 && typeof res.body?.error !== 'string')) throw new Error(`GET ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    }
  });
});
