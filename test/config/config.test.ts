import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { environmentSchema } from '../../src/config/schema.js';
import { api, startTestServer } from '../support/harness.js';
import { repoRoot } from '../support/processes.js';

/** Starts `node dist/src/main.js` with exactly `env` and waits for it to exit (it must, on bad config). */
function startExpectingFailure(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/src/main.js')], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: stderr.replace(/^oidc-provider WARNING: Unsupported runtime.*\n/m, '') });
    });
  });
}

describe('configuration', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-config-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const production = {
    DATABASE_URL: 'mysql://root@127.0.0.1:3306/test',
    TOKEN_PEPPER: 'p'.repeat(32),
    COOKIE_KEYS: 'k'.repeat(32),
  };

  test.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['ISSUER', { ISSUER: 'ftp://example.test' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://db/tessera' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['PAT_PREFIX', { PAT_PREFIX: 'TOKEN-' }],
    ['PAT_MAX_LIFETIME_DAYS', { PAT_MAX_LIFETIME_DAYS: '-1' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'maybe' }],
    ['PASSWORD_SCRYPT_N', { PASSWORD_SCRYPT_N: '1000' }],
    ['TOKEN_PEPPER', { TOKEN_PEPPER: 'short' }],
    ['COOKIE_KEYS', { COOKIE_KEYS: 'short' }],
    ['TOKEN_PEPPER', { DATABASE_URL: production.DATABASE_URL }],
    ['COOKIE_KEYS', { DATABASE_URL: production.DATABASE_URL, TOKEN_PEPPER: production.TOKEN_PEPPER }],
    ['JWKS', production],
    ['JWKS', { ...production, JWKS: '{"keys":[]}' }],
    ['JWKS_FILE', { ...production, JWKS_FILE: '/nonexistent/jwks.json' }],
    ['SCOPES_FILE', { SCOPES_FILE: '/nonexistent/scopes.json' }],
    ['TESSERA_ADMIN_PASSWORD', { TESSERA_ADMIN_PASSWORD: 'short' }],
    ['OAUTH_ACCESS_TOKEN_TTL', { OAUTH_ACCESS_TOKEN_TTL: '0' }],
    ['REDIS_KEY_PREFIX', { REDIS_KEY_PREFIX: 'has spaces' }],
  ])('a bad %s (%j) stops the start with one line naming it', async (variable, env) => {
    const { code, stderr } = await startExpectingFailure({ DATA_DIR: dataDir, ...env });
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^Invalid configuration: ${variable}\\b`));
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a SCOPES_FILE that breaks the registry names the variable and the problem', async () => {
    const file = path.join(dataDir, 'bad-scopes.json');
    fs.writeFileSync(file, JSON.stringify([{ name: 'wiki', access: 'read', description: { en: 'Wiki', zh: 'Wiki' }, implies: ['no:such'] }]));
    const { code, stderr } = await startExpectingFailure({ DATA_DIR: dataDir, SCOPES_FILE: file });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`Invalid configuration: SCOPES_FILE ${file}: scope wiki implies unknown scope no:such`);
  });

  test('config/scopes.example.json extends the registry: listed, and usable on a token', async () => {
    const server = await startTestServer({ SCOPES_FILE: path.join(repoRoot, 'config/scopes.example.json') });
    try {
      const scopes = await api(server.url, 'GET', '/api/v1/scopes');
      expect(scopes.body).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'wiki:write', access: 'read-write', implies: ['wiki'] })]),
      );
      const { basic } = await server.createUser('wikiuser');
      const created = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: basic, body: { name: 'wiki', scopes: ['wiki:write'] } });
      expect(created.status).toBe(201);
      const discovery = await api(server.url, 'GET', '/.well-known/openid-configuration');
      expect(discovery.body.scopes_supported).toEqual(expect.arrayContaining(['wiki', 'wiki:write']));
    } finally {
      await server.close();
    }
  });

  describe('example files and docs', () => {
    /** KEY=value lines of an env file, and the names of commented-out `# KEY=` lines. */
    function readEnvFile(name: string): { values: Record<string, string>; mentioned: Set<string> } {
      const text = fs.readFileSync(path.join(repoRoot, 'config', name), 'utf8');
      const values: Record<string, string> = {};
      const mentioned = new Set<string>();
      for (const line of text.split('\n')) {
        const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
        if (!match) continue;
        mentioned.add(match[2]!);
        if (!match[1]) values[match[2]!] = match[3]!;
      }
      return { values, mentioned };
    }
    const variables = Object.keys(environmentSchema.shape);

    test.each(['embedded.env.example', 'production.env.example'])('%s mentions every variable the config reads', (name) => {
      const { mentioned } = readEnvFile(name);
      expect(variables.filter((v) => !mentioned.has(v))).toEqual([]);
      expect([...mentioned].filter((v) => !variables.includes(v))).toEqual([]);
    });

    test('docs/configuration.md has a row for every variable', () => {
      const doc = fs.readFileSync(path.join(repoRoot, 'docs/configuration.md'), 'utf8');
      expect(variables.filter((v) => !doc.includes(`| \`${v}\` |`))).toEqual([]);
    });

    test('embedded.env.example states the real defaults', () => {
      const { values } = readEnvFile('embedded.env.example');
      const fromExample = loadConfig({ ...values, DATA_DIR: dataDir });
      const defaults = loadConfig({ DATA_DIR: dataDir });
      expect(fromExample).toEqual(defaults);
    });

    test('production.env.example is accepted once its secrets are filled in', () => {
      const { values } = readEnvFile('production.env.example');
      const jwksFile = path.join(dataDir, 'jwks.json');
      fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ kty: 'RSA', d: 'x', n: 'x', e: 'AQAB' }] }));
      const config = loadConfig({ ...values, TOKEN_PEPPER: 'p'.repeat(48), COOKIE_KEYS: 'k'.repeat(48), JWKS_FILE: jwksFile });
      expect(config).toMatchObject({ mode: 'production', redisUrl: values.REDIS_URL, issuer: values.ISSUER, trustProxy: true });
    });
  });
});
