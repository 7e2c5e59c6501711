import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, startTestServer, type TestServer } from '../support/harness.js';

const CODING_SCOPES = ['project:depot', 'user', 'user:email', 'notification', 'social:message', 'project', 'project:members', 'project:task', 'project:file', 'project:key'];

describe('GET /api/v1/scopes: the scope registry', () => {
  let server: TestServer;
  let scopesFile: string;

  beforeAll(async () => {
    scopesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-scopes-')), 'scopes.json');
    fs.writeFileSync(
      scopesFile,
      JSON.stringify([{ name: 'wiki:write', access: 'read-write', description: { en: 'Edit wiki pages', zh: '编辑维基页面' }, implies: ['project'] }]),
    );
    server = await startTestServer({ SCOPES_FILE: scopesFile });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(path.dirname(scopesFile), { recursive: true, force: true });
  });

  it('lists every scope with English and Chinese descriptions, access and implied scopes', async () => {
    const res = await api(server.url, 'GET', '/api/v1/scopes');
    expect(res.status).toBe(200);
    const byName = new Map<string, any>(res.body.map((s: { name: string }) => [s.name, s]));
    for (const name of CODING_SCOPES) expect(byName.has(name)).toBe(true);
    for (const scope of res.body) {
      expect(scope).toEqual({
        name: expect.any(String),
        kind: expect.stringMatching(/^(api|oidc)$/),
        access: expect.stringMatching(/^(read|read-write)$/),
        description: { en: expect.any(String), zh: expect.any(String) },
        implies: expect.any(Array),
        sensitive: expect.any(Boolean),
      });
      expect(scope.description.en.length).toBeGreaterThan(0);
      expect(scope.description.zh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(byName.get('project:depot').implies).toEqual(['project']);
    expect(byName.get('openid').kind).toBe('oidc');
    expect(byName.get('project:key').sensitive).toBe(true);
    expect(byName.get('user').sensitive).toBe(false);
    // The operator's scope from SCOPES_FILE.
    expect(byName.get('wiki:write')).toEqual({ name: 'wiki:write', kind: 'api', access: 'read-write', description: { en: 'Edit wiki pages', zh: '编辑维基页面' }, implies: ['project'], sensitive: false });
  });

  it('a scope added by configuration can be given to a token; unknown ones cannot', async () => {
    const kim = await server.createUser('kim');
    const ok = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: kim.basic, body: { name: 'wiki', scopes: ['wiki:write', 'user'] } });
    expect(ok.status).toBe(201);
    expect(ok.body.scopes).toEqual(['user', 'wiki:write']); // registry order
    const bad = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: kim.basic, body: { name: 'wiki', scopes: ['wiki:delete'] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid_scope', error_description: expect.stringContaining('wiki:delete') });
  });
});
