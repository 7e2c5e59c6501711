import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { jest } from '@jest/globals';
import { api, createPat, createTestEnvironment, startInstances, startServer, startTestServer, type Instances, type TestServer } from '../support/harness.js';
import { registerApp, seedUserGrant } from '../support/oauth.js';

const REVOKE = '/api/v1/credentials/revoke';
const GITHUB = '/api/v1/credentials/github-secret-scanning';
const currentUser = (base: string, token: string) => api(base, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
const report = (base: string, credentials: unknown) => api(base, 'POST', REVOKE, { body: { credentials } });

/** The security log of every user, as an admin reads it. */
async function logOf(base: string, admin: string): Promise<{ action: string; token_kind: string | null; user_id: number | null; details: Record<string, unknown> | null }[]> {
  return (await api(base, 'GET', '/api/v1/admin/security-log?limit=100', { auth: admin })).body;
}

describe('a leaked token reported on instance A is inactive on instance B at once', () => {
  let deployment: Instances<[TestServer, TestServer]>;
  let a: TestServer;
  let b: TestServer;
  let admin: string;

  beforeAll(async () => {
    deployment = await startInstances([{}, {}] as const);
    [a, b] = deployment.instances;
    admin = (await a.createUser('root', { admin: true })).basic;
  });
  afterAll(() => deployment.close());

  it('a PAT: 202 {}, 401 on B, logged as leak_reported and revoked (reason leak_report)', async () => {
    const { token, id } = await createPat(a.url, admin);
    expect((await currentUser(b.url, token)).status).toBe(200);
    expect((await currentUser(b.url, token)).status).toBe(200);

    const res = await report(a.url, [token]);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({});
    expect((await currentUser(b.url, token)).status).toBe(401);

    const entries = (await logOf(a.url, admin)).filter((e) => e.token_kind === 'personal_access_token');
    expect(entries.find((e) => e.action === 'token.leak_reported')).toMatchObject({ details: { reason: 'leak_report', source: 'api' } });
    expect(entries.find((e) => e.action === 'token.revoked')).toMatchObject({ details: { reason: 'leak_report' } });
    const record = await api(a.url, 'GET', `/api/v1/user/tokens/${id}`, { auth: admin });
    expect(record.body).toMatchObject({ revoked: true, active: false });
  });

  it('an OAuth access token (and the authorization it was issued under): 401 on B', async () => {
    const app = await registerApp(a.url, admin);
    const userId = (await a.container.users.getByUsername('root')).id;
    const { accessToken, refreshToken } = await seedUserGrant(a, app.client_id, userId, 'openid user');
    expect((await currentUser(b.url, accessToken)).status).toBe(200);
    expect((await currentUser(b.url, accessToken)).status).toBe(200);

    expect((await report(a.url, ['garbage', accessToken])).status).toBe(202);
    expect((await currentUser(b.url, accessToken)).status).toBe(401);
    // Revoked as the provider's revocation endpoint does: the grant goes too.
    expect(await b.container.introspector.introspect(refreshToken)).toBeNull();
    const entries = (await logOf(a.url, admin)).filter((e) => e.token_kind === 'access_token');
    expect(entries.map((e) => e.action).sort()).toEqual(['token.leak_reported', 'token.revoked']);
    expect(entries[0]!.user_id).toBe(userId);
  });

  it('an OAuth refresh token: it and the access tokens of its authorization are dead on B', async () => {
    const app = await registerApp(a.url, admin);
    const userId = (await a.container.users.getByUsername('root')).id;
    const { accessToken, refreshToken } = await seedUserGrant(a, app.client_id, userId, 'openid user');
    expect((await currentUser(b.url, accessToken)).status).toBe(200);
    expect(await b.container.introspector.introspect(refreshToken)).not.toBeNull();

    expect((await report(a.url, [refreshToken])).status).toBe(202);
    expect(await b.container.introspector.introspect(refreshToken)).toBeNull();
    expect((await currentUser(b.url, accessToken)).status).toBe(401);
  });

  it('a report that is already revoked, unknown or malformed still answers 202 {} and logs nothing new', async () => {
    const { token } = await createPat(a.url, admin);
    await report(a.url, [token]);
    const before = (await logOf(a.url, admin)).length;
    const unknown = `tsp_${'A'.repeat(36)}`;
    const res = await report(a.url, [token, unknown, 'x', '', 'A'.repeat(43), token]);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({});
    expect((await logOf(a.url, admin)).length).toBe(before);
  });
});

describe('POST /api/v1/credentials/revoke: hostile input and the rate limit', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ LEAK_REPORTS_PER_HOUR: '1000' });
  });
  afterAll(() => server.close());

  it.each([
    ['1001 credentials', { credentials: Array.from({ length: 1001 }, (_, i) => `tsp_${i}`) }],
    ['no credentials', { credentials: [] }],
    ['a missing field', {}],
    ['non-strings', { credentials: [1, null, { token: 'x' }] }],
    ['a string too long for any token', { credentials: ['x'.repeat(4097)] }],
    ['an unknown field', { credentials: ['x'], more: true }],
    ['an array body', ['tsp_x']],
  ])('%s → 400 JSON error', async (_, body) => {
    const res = await api(server.url, 'POST', REVOKE, { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) });
  });

  it('malformed JSON → 400, a body over 1 MB → 413, never a 500', async () => {
    expect((await api(server.url, 'POST', REVOKE, { rawBody: '{"credentials":' })).status).toBe(400);
    expect((await api(server.url, 'POST', REVOKE, { rawBody: JSON.stringify({ credentials: ['x'.repeat(1024 * 1024)] }) })).status).toBe(413);
  });

  it('1000 credentials are accepted; malformed strings are dropped before any lookup', async () => {
    const finds = jest.spyOn(server.container.oidc.AccessToken, 'find');
    const res = await report(server.url, [...Array.from({ length: 998 }, (_, i) => `tsp_not_a_token_${i}`), 'short', `${'A'.repeat(42)}!`]);
    expect(res.status).toBe(202);
    expect(finds).not.toHaveBeenCalled();
    finds.mockRestore();
  });

  it('the 61st report in an hour from one address → 429 with Retry-After (the default limit)', async () => {
    const limited = await startTestServer();
    try {
      for (let i = 0; i < 60; i++) expect((await report(limited.url, ['x'])).status).toBe(202);
      const refused = await report(limited.url, ['x']);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error: 'slow_down' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // Invalid bodies count too, and are refused the same way.
      expect((await api(limited.url, 'POST', REVOKE, { rawBody: '{' })).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('LEAK_REPORTS_PER_HOUR sets the limit', async () => {
    const limited = await startTestServer({ LEAK_REPORTS_PER_HOUR: '2' });
    try {
      expect((await report(limited.url, ['x'])).status).toBe(202);
      expect((await report(limited.url, ['x'])).status).toBe(202);
      expect((await report(limited.url, ['x'])).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

/** A P-256 key pair as GitHub publishes it, the keys file, and requests signed with it. */
function githubKeys(dir: string) {
  const current = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const file = path.join(dir, 'github-keys.json');
  const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
  fs.writeFileSync(file, JSON.stringify({ public_keys: [{ key_identifier: 'key-1', key: pem(current.publicKey), is_current: true }] }));
  const signed = (body: string, key = current.privateKey) => sign('sha256', Buffer.from(body), key).toString('base64');
  return { file, signed, otherKey: other.privateKey };
}

describe('GitHub secret scanning: POST /api/v1/credentials/github-secret-scanning', () => {
  let server: TestServer;
  let admin: string;
  let keys: ReturnType<typeof githubKeys>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-github-'));

  const alert = (base: string, body: string, headers: Record<string, string>) => api(base, 'POST', GITHUB, { rawBody: body, headers });

  beforeAll(async () => {
    keys = githubKeys(dir);
    server = await startTestServer({ GITHUB_SECRET_SCANNING_KEYS_FILE: keys.file });
    admin = (await server.createUser('root', { admin: true })).basic;
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a signed alert revokes the token and answers the feedback list', async () => {
    const { token } = await createPat(server.url, admin);
    const body = JSON.stringify([
      { token, type: 'tessera_personal_access_token', url: 'https://github.com/o/r/blob/main/.env', source: 'content' },
      { token: `tsp_${'B'.repeat(36)}`, type: 'tessera_personal_access_token', url: 'https://github.com/o/r', source: 'content' },
    ]);
    const res = await alert(server.url, body, { 'Github-Public-Key-Identifier': 'key-1', 'Github-Public-Key-Signature': keys.signed(body) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { token_hash: expect.stringMatching(/^[0-9a-f]{64}$/), token_type: 'tessera_personal_access_token', label: 'true_positive' },
      { token_hash: expect.stringMatching(/^[0-9a-f]{64}$/), token_type: 'tessera_personal_access_token', label: 'false_positive' },
    ]);
    expect((await currentUser(server.url, token)).status).toBe(401);
    const entry = (await logOf(server.url, admin)).find((e) => e.action === 'token.leak_reported');
    expect(entry?.details).toMatchObject({ source: 'github_secret_scanning', reason: 'leak_report', url: 'https://github.com/o/r/blob/main/.env' });
  });

  it('a forged signature → 401 with WWW-Authenticate, and nothing is revoked', async () => {
    const { token } = await createPat(server.url, admin);
    const body = JSON.stringify([{ token, type: 'tessera_personal_access_token', url: 'https://github.com/o/r', source: 'content' }]);
    const forged: Record<string, string>[] = [
      { 'Github-Public-Key-Identifier': 'key-1', 'Github-Public-Key-Signature': keys.signed(body, keys.otherKey) },
      { 'Github-Public-Key-Identifier': 'key-1', 'Github-Public-Key-Signature': keys.signed(`${body} `) },
      { 'Github-Public-Key-Identifier': 'unknown-key', 'Github-Public-Key-Signature': keys.signed(body) },
      { 'Github-Public-Key-Identifier': 'key-1', 'Github-Public-Key-Signature': '!!not base64!!' },
      { 'Github-Public-Key-Identifier': 'key-1', 'Github-Public-Key-Signature': 'AAAA' },
      { 'Github-Public-Key-Identifier': 'key-1', 'Github-Public-Key-Signature': 'A'.repeat(5000) },
      { 'Github-Public-Key-Identifier': 'key-1' },
      {},
    ];
    for (const headers of forged) {
      const res = await alert(server.url, body, headers);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_signature' });
      expect(res.headers.get('www-authenticate')).toBeTruthy();
    }
    expect((await currentUser(server.url, token)).status).toBe(200);
  });

  it('a signed but invalid alert → 400, never a 500', async () => {
    for (const body of ['{}', '[]', '[{"token":1,"type":"x"}]', '"x"', JSON.stringify(Array.from({ length: 1001 }, () => ({ token: 'x', type: 'x' })))]) {
      const res = await alert(server.url, body, { 'Github-Public-Key-Identifier': 'key-1', 'Github-Public-Key-Signature': keys.signed(body) });
      expect(`${body.slice(0, 30)} ${res.status}`).toBe(`${body.slice(0, 30)} 400`);
    }
  });

  it('without GITHUB_SECRET_SCANNING_KEYS_FILE the endpoint is 404', async () => {
    const plain = await startTestServer();
    try {
      expect((await alert(plain.url, '[]', {})).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('a keys file that is not a keys document stops the start with a message', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"keys":[]}');
    const environment = await createTestEnvironment();
    try {
      await expect(startServer(environment, { GITHUB_SECRET_SCANNING_KEYS_FILE: bad })).rejects.toThrow(/GITHUB_SECRET_SCANNING_KEYS_FILE/);
    } finally {
      await environment.destroy();
    }
  });
});

describe('administrators identify and revoke any token: /api/v1/admin/token', () => {
  let server: TestServer;
  let admin: string;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  const identify = (token: unknown, auth = admin) => api(server.url, 'POST', '/api/v1/admin/token', { auth, body: { token } });

  beforeAll(async () => {
    server = await startTestServer();
    admin = (await server.createUser('root', { admin: true })).basic;
    alice = await server.createUser('alice');
  });
  afterAll(() => server.close());

  it('a personal access token, then revoked with DELETE', async () => {
    const pat = await createPat(server.url, alice.basic, { scopes: ['user', 'project'] });
    const res = await identify(pat.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ kind: 'personal_access_token', id: pat.id, owner: { username: 'alice' }, scopes: ['user', 'project'], state: 'active', client_id: null });
    expect(res.body.created_at).toEqual(expect.any(String));

    expect((await api(server.url, 'DELETE', '/api/v1/admin/token', { auth: admin, body: { token: pat.token } })).status).toBe(204);
    expect((await currentUser(server.url, pat.token)).status).toBe(401);
    expect((await identify(pat.token)).body).toMatchObject({ state: 'revoked' });
    const revoked = (await logOf(server.url, admin)).find((e) => e.action === 'token.revoked');
    expect(revoked?.details).toMatchObject({ reason: 'admin' });
  });

  it('an impersonation token', async () => {
    const issued = (await api(server.url, 'POST', '/api/v1/users/alice/impersonation-tokens', { auth: admin, body: { name: 'support', scopes: ['user'] } })).body;
    expect((await identify(issued.token)).body).toMatchObject({ kind: 'impersonation_token', id: issued.id, owner: { username: 'alice' } });
  });

  it('OAuth access and refresh tokens; DELETE revokes them', async () => {
    const app = await registerApp(server.url, alice.basic);
    const { accessToken, refreshToken, grantId } = await seedUserGrant(server, app.client_id, (await server.container.users.getByUsername('alice')).id, 'openid user');
    expect((await identify(accessToken)).body).toMatchObject({ kind: 'access_token', id: null, owner: { username: 'alice' }, client_id: app.client_id, authorization_id: grantId, scopes: ['openid', 'user'], state: 'active' });
    expect((await identify(refreshToken)).body).toMatchObject({ kind: 'refresh_token', client_id: app.client_id, state: 'active' });
    expect((await api(server.url, 'DELETE', '/api/v1/admin/token', { auth: admin, body: { token: accessToken } })).status).toBe(204);
    expect((await currentUser(server.url, accessToken)).status).toBe(401);
    expect((await identify(accessToken)).status).toBe(404);
  });

  it('unknown, malformed or missing tokens: 404 or 400; non-admins 403; no credentials 401', async () => {
    expect((await identify(`tsp_${'C'.repeat(36)}`)).status).toBe(404);
    expect((await identify('A'.repeat(43))).status).toBe(404);
    expect((await identify('garbage')).status).toBe(404);
    expect((await identify(12)).status).toBe(400);
    expect((await identify('')).status).toBe(400);
    expect((await api(server.url, 'DELETE', '/api/v1/admin/token', { auth: admin, body: {} })).status).toBe(400);
    const pat = await createPat(server.url, alice.basic);
    const refused = await identify(pat.token, alice.basic);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'access_denied' });
    const anonymous = await api(server.url, 'POST', '/api/v1/admin/token', { body: { token: pat.token } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await api(server.url, 'DELETE', '/api/v1/admin/token', { auth: alice.basic, body: { token: pat.token } })).status).toBe(403);
    expect((await currentUser(server.url, pat.token)).status).toBe(200);
  });
});
