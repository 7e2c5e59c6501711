import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, sign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { z } from 'zod';
import { apiRouters } from '../../src/http/api-routers.js';
import { openApiPath, openApiText } from '../../src/http/openapi/document.js';
import { namedSchemas } from '../../src/http/openapi/operations.js';
import { errorResponse } from '../../src/http/schemas/response-schemas.js';
import { seedUserGrant } from '../support/oauth.js';
import { api, basicAuth, startTestServer, type TestServer } from '../support/harness.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const committed = fs.readFileSync(path.join(repoRoot, 'docs/openapi.json'), 'utf8');
const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

interface DocOperation {
  operationId: string;
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, { headers?: Record<string, unknown>; content?: { 'application/json': { schema: { $ref?: string; type?: string; items?: { $ref: string } } } } }>;
}

/** The committed document's operations as `METHOD /path` → operation (what the tests below hold to). */
function documentedOperations(document: any): Map<string, DocOperation & { method: string; path: string }> {
  const found = new Map<string, DocOperation & { method: string; path: string }>();
  for (const [p, item] of Object.entries<Record<string, DocOperation>>(document.paths)) {
    for (const method of METHODS) if (item[method]) found.set(`${method.toUpperCase()} ${p}`, { ...item[method]!, method: method.toUpperCase(), path: p });
  }
  return found;
}

describe('the OpenAPI document of the JSON API', () => {
  const document = JSON.parse(committed);
  const operations = documentedOperations(document);

  it('docs/openapi.json is what the code generates', () => {
    if (committed !== openApiText()) throw new Error('docs/openapi.json is stale: run npm run openapi and commit it');
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  describe('served and matched to the routers', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(() => server.close());

    it('GET /api/v1/openapi.json serves the same document, without authentication', async () => {
      const res = await fetch(`${server.url}/api/v1/openapi.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.text()).toBe(committed);
    });

    it('every route of the JSON API routers has an entry, and every entry a route (named like its handler)', () => {
      const routes = new Map<string, string>();
      for (const router of apiRouters(server.container)) {
        for (const layer of router.stack) {
          if (!layer.methods.length) continue; // router.use middleware
          expect(typeof layer.path === 'string' && layer.path.startsWith('/api/v1/')).toBe(true);
          const handler = layer.stack[layer.stack.length - 1] as { name?: string };
          for (const method of layer.methods) if (method !== 'HEAD') routes.set(`${method} ${openApiPath(String(layer.path))}`, handler.name ?? '');
        }
      }
      expect([...routes.keys()].sort()).toEqual([...operations.keys()].sort());
      for (const [key, handler] of routes) expect(`${key} ${operations.get(key)?.operationId}`).toBe(`${key} ${handler}`);
    });

    it('every error is the {"error","error_description"} schema, with WWW-Authenticate on every 401 and 403 but access_denied', () => {
      for (const [key, op] of operations) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          expect(`${key} ${status} ${response.content?.['application/json'].schema.$ref}`).toBe(`${key} ${status} #/components/schemas/Error`);
          const challenged = status === '401' || (status === '403' && !op.security.some((s) => 'password' in s));
          expect(`${key} ${status} ${Boolean(response.headers?.['WWW-Authenticate'])}`).toBe(`${key} ${status} ${challenged}`);
        }
      }
    });
  });
});

/**
 * Calls every documented operation twice over: once the way it succeeds, once each way it can fail
 * (no credentials, the wrong account, a throttled username, a bad or unknown id, a malformed,
 * oversized or wrongly encoded body, a bad query). Every answer must be documented for its
 * operation, with the documented body schema and headers.
 */
describe('the document describes what the server answers', () => {
  const operations = documentedOperations(JSON.parse(committed));
  const schemaByRef = new Map<string, z.ZodType>(Object.entries(namedSchemas).map(([name, { schema }]) => [`#/components/schemas/${name}`, schema]));
  let server: TestServer;
  let admin: string;
  let alice: { username: string; basic: string };
  const called = new Set<string>();
  // GitHub's secret-scanning key (the operator's keys file) and a request signed with it.
  const github = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-openapi-'));
  const keysFile = path.join(keysDir, 'github-keys.json');
  fs.writeFileSync(keysFile, JSON.stringify({ public_keys: [{ key_identifier: 'k1', key: github.publicKey.export({ type: 'spki', format: 'pem' }), is_current: true }] }));
  const githubSigned = (body: string) => ({ 'Github-Public-Key-Identifier': 'k1', 'Github-Public-Key-Signature': sign('sha256', Buffer.from(body), github.privateKey).toString('base64') });

  beforeAll(async () => {
    server = await startTestServer({ GITHUB_SECRET_SCANNING_KEYS_FILE: keysFile, LEAK_REPORTS_PER_HOUR: '3' });
    admin = (await server.createUser('root', { admin: true })).basic;
    alice = await server.createUser('alice');
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(keysDir, { recursive: true, force: true });
  });

  /** Sends the request and checks the answer against the operation's documented response for its status. */
  async function call(key: string, params: Record<string, string | number>, options: Parameters<typeof api>[3] & { expect: number; query?: string }) {
    const op = operations.get(key);
    if (!op) throw new Error(`${key} is not documented`);
    const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
    const res = await api(server.url, op.method, options.query ? `${url}?${options.query}` : url, options);
    const documented = op.responses[String(res.status)];
    expect(`${key} → ${res.status} ${documented ? 'documented' : 'undocumented'}`).toBe(`${key} → ${options.expect} documented`);
    const schema = documented!.content?.['application/json'].schema;
    if (res.status >= 400) errorResponse.parse(res.body);
    else if (schema?.$ref) schemaByRef.get(schema.$ref)!.parse(res.body);
    else if (schema?.items) for (const item of res.body) schemaByRef.get(schema.items.$ref)!.parse(item);
    for (const header of Object.keys(documented!.headers ?? {})) expect(`${key} ${res.status} ${header}: ${res.headers.has(header)}`).toBe(`${key} ${res.status} ${header}: true`);
    if (res.status < 400) called.add(key);
    return res;
  }

  it('each operation succeeds as documented, with the documented body', async () => {
    const token = (await call('POST /api/v1/user/tokens', {}, { auth: alice.basic, body: { name: 'ci', scopes: ['user'] }, expect: 201 })).body;
    await call('GET /api/v1/openapi.json', {}, { expect: 200 });
    await call('GET /api/v1/scopes', {}, { expect: 200 });
    await call('GET /api/v1/user', {}, { auth: `Bearer ${token.token}`, expect: 200 });
    await call('GET /api/v1/user/tokens', {}, { auth: alice.basic, expect: 200 });
    await call('GET /api/v1/user/tokens/{id}', { id: token.id }, { auth: alice.basic, expect: 200 });
    await call('PATCH /api/v1/user/tokens/{id}', { id: token.id }, { auth: alice.basic, body: { name: 'ci-2' }, expect: 200 });
    await call('POST /api/v1/user/tokens/{id}/regenerate', { id: token.id }, { auth: alice.basic, body: {}, expect: 200 });
    await call('POST /api/v1/user/tokens/{id}/rotate', { id: token.id }, { auth: alice.basic, body: { grace_seconds: 60 }, expect: 201 });
    const rotator = (await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'rotator', scopes: ['token:rotate'] } })).body.token;
    await call('POST /api/v1/user/tokens/self/rotate', {}, { auth: `Bearer ${rotator}`, body: { grace_seconds: 0 }, expect: 201 });
    await call('DELETE /api/v1/user/tokens/{id}', { id: token.id }, { auth: alice.basic, expect: 204 });
    await call('DELETE /api/v1/user/tokens', {}, { auth: alice.basic, expect: 204 });

    await call('GET /api/v1/users', {}, { auth: admin, expect: 200 });
    await call('POST /api/v1/users', {}, { auth: admin, body: { username: 'bob', email: 'bob@example.test', password: 'correct-horse' }, expect: 201 });
    await call('DELETE /api/v1/users/{username}', { username: 'bob' }, { auth: admin, expect: 204 });
    const issued = (await call('POST /api/v1/users/{username}/impersonation-tokens', { username: 'alice' }, { auth: admin, body: { name: 'support', scopes: ['user'] }, expect: 201 })).body;
    await call('GET /api/v1/users/{username}/impersonation-tokens', { username: 'alice' }, { auth: admin, expect: 200 });
    await call('GET /api/v1/users/{username}/impersonation-tokens/{id}', { username: 'alice', id: issued.id }, { auth: admin, expect: 200 });
    await call('DELETE /api/v1/users/{username}/impersonation-tokens/{id}', { username: 'alice', id: issued.id }, { auth: admin, expect: 204 });

    const app = (await call('POST /api/v1/user/applications', {}, { auth: alice.basic, body: { name: 'app', redirect_uris: ['https://app.example/cb'] }, expect: 201 })).body;
    await call('GET /api/v1/user/applications', {}, { auth: alice.basic, expect: 200 });
    await call('GET /api/v1/user/applications/{id}', { id: app.id }, { auth: alice.basic, expect: 200 });
    await call('PATCH /api/v1/user/applications/{id}', { id: app.id }, { auth: alice.basic, body: { name: 'app 2' }, expect: 200 });
    await call('POST /api/v1/user/applications/{id}/secret', { id: app.id }, { auth: alice.basic, expect: 200 });
    const aliceId = (await server.container.users.getByUsername('alice')).id;
    const { grantId } = await seedUserGrant(server, app.client_id, aliceId, 'openid user');
    await call('GET /api/v1/user/authorizations', {}, { auth: alice.basic, expect: 200 });
    await call('DELETE /api/v1/user/authorizations/{id}', { id: grantId }, { auth: alice.basic, expect: 204 });
    await call('DELETE /api/v1/user/applications/{id}', { id: app.id }, { auth: alice.basic, expect: 204 });
    await call('GET /api/v1/user/security-log', {}, { auth: alice.basic, query: 'action=token.created', expect: 200 });
    await call('GET /api/v1/admin/security-log', {}, { auth: admin, query: 'user=alice', expect: 200 });
    await call('GET /api/v1/user/notifications', {}, { auth: alice.basic, expect: 200 });

    const leaked = (await call('POST /api/v1/user/tokens', {}, { auth: alice.basic, body: { name: 'leaked', scopes: ['user'] }, expect: 201 })).body;
    await call('POST /api/v1/admin/token', {}, { auth: admin, body: { token: leaked.token }, expect: 200 });
    await call('DELETE /api/v1/admin/token', {}, { auth: admin, body: { token: leaked.token }, expect: 204 });
    await call('POST /api/v1/credentials/revoke', {}, { body: { credentials: [leaked.token] }, expect: 202 });
    const alert = JSON.stringify([{ token: leaked.token, type: 'tessera_personal_access_token', url: 'https://github.com/o/r', source: 'content' }]);
    await call('POST /api/v1/credentials/github-secret-scanning', {}, { rawBody: alert, headers: githubSigned(alert), expect: 200 });

    expect([...operations.keys()].filter((key) => !called.has(key))).toEqual([]);
  });

  it('each error an operation answers is documented for it', async () => {
    const someone = { username: 'alice', id: 2147483647 };
    const scopeless = (await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'no user scope', scopes: ['project'] } })).body.token;
    // Ten wrong passwords for one username: its next attempt is refused before any check (429).
    for (let i = 0; i < 10; i++) await api(server.url, 'GET', '/api/v1/user/tokens', { auth: basicAuth('throttled', 'wrong') });

    // Token-authenticated operations with a body are called, past authentication, with a token holding their scopes.
    const rotator = (await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'rotator', scopes: ['token:rotate'] } })).body.token;
    for (const [key, op] of operations) {
      if (!op.security.length) continue;
      const params = { ...someone, ...(op.path.includes('authorizations') ? { id: 'no-such-authorization' } : {}) };
      const byPassword = op.security.some((s) => 'password' in s);
      const adminOnly = byPassword && '403' in op.responses;
      const owner = adminOnly ? admin : byPassword ? alice.basic : `Bearer ${rotator}`;
      const body = op.requestBody ? { body: {} } : {};

      await call(key, params, { ...body, expect: 401 });
      if (byPassword) {
        await call(key, params, { ...body, auth: `Bearer ${scopeless}`, expect: 401 });
        await call(key, params, { ...body, auth: basicAuth('throttled', 'wrong'), expect: 429 });
      } else {
        await call(key, params, { auth: `Bearer ${scopeless}`, expect: 403 });
      }
      if (adminOnly) await call(key, params, { ...body, auth: alice.basic, expect: 403 });

      const pathParams = op.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? [];
      if (pathParams.includes('id')) {
        // An id that cannot exist is a missing record (404), like one that does not.
        await call(key, { ...params, id: 'not-an-id!' }, { ...body, auth: owner, expect: 404 });
        // A body that passes validation, so the lookup is what fails.
        const valid = op.requestBody ? { body: key.endsWith('/regenerate') || key.endsWith('/rotate') ? {} : { name: 'x' } } : {};
        await call(key, params, { ...valid, auth: owner, expect: 404 });
      } else if (pathParams.includes('username')) {
        await call(key, { ...params, username: 'nobody' }, { ...(op.requestBody ? { body: { name: 'x', scopes: ['user'] } } : {}), auth: owner, expect: 404 });
      }
      if (op.parameters?.some((p) => p.in === 'query' && p.name === 'limit')) await call(key, params, { auth: owner, query: 'limit=0', expect: 400 });
      if (op.requestBody) {
        await call(key, params, { auth: owner, rawBody: '{"name":', expect: 400 });
        await call(key, params, { auth: owner, rawBody: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }), expect: 413 });
        await call(key, params, { auth: owner, rawBody: '{}', headers: { 'Content-Encoding': 'x-unknown' }, expect: 415 });
      }
    }
    await call('POST /api/v1/users', {}, { auth: admin, body: { username: 'alice', email: 'other@example.test', password: 'correct-horse' }, expect: 409 });

    // The operations anyone may call: their own errors.
    await call('POST /api/v1/admin/token', {}, { auth: admin, body: { token: 'no-such-token' }, expect: 404 });
    await call('POST /api/v1/credentials/github-secret-scanning', {}, { rawBody: '[]', headers: { 'Github-Public-Key-Identifier': 'k1', 'Github-Public-Key-Signature': 'AAAA' }, expect: 401 });
    await call('POST /api/v1/credentials/github-secret-scanning', {}, { rawBody: '[]', headers: githubSigned('[]'), expect: 400 });
    await call('POST /api/v1/credentials/github-secret-scanning', {}, { rawBody: '{"a":', expect: 400 });
    await call('POST /api/v1/credentials/github-secret-scanning', {}, { rawBody: JSON.stringify(['x'.repeat(1024 * 1024)]), expect: 413 });
    await call('POST /api/v1/credentials/github-secret-scanning', {}, { rawBody: '[]', headers: { 'Content-Encoding': 'x-unknown' }, expect: 415 });
    // LEAK_REPORTS_PER_HOUR is 3 here: one report above, two more, then 429.
    await call('POST /api/v1/credentials/revoke', {}, { body: { credentials: [] }, expect: 400 });
    await call('POST /api/v1/credentials/revoke', {}, { rawBody: '{"credentials":', expect: 400 });
    await call('POST /api/v1/credentials/revoke', {}, { body: { credentials: ['x'] }, expect: 429 });
  });
});
