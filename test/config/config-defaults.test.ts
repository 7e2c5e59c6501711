import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { ScopeRegistry } from '../../src/scopes/scope-registry.js';
import { api, startTestServer } from '../support/harness.js';

const PEPPER = 'p'.repeat(32);

/** Unit level (loadConfig). Starting the real process with bad settings: test/config/config.test.ts (CLI branch). */
describe('configuration', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-config-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('has documented defaults and runs embedded without any setting', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({
      port: 3000,
      issuer: 'http://localhost:3000',
      dataDir,
      mode: 'embedded',
      logLevel: 'info',
      patPrefix: 'tsp_',
      patMaxLifetimeDays: 0,
      trustProxy: false,
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.metricsToken).toBeUndefined();
    expect(config.corsOrigins).toEqual([]);
    expect(loadConfig({ DATA_DIR: dataDir, CORS_ORIGINS: 'https://app.example, http://localhost:5173' }).corsOrigins).toEqual(['https://app.example', 'http://localhost:5173']);
    expect(loadConfig({ DATA_DIR: dataDir, PORT: '8080' }).issuer).toBe('http://localhost:8080');
    expect(loadConfig({ DATA_DIR: dataDir, ISSUER: 'https://id.example.com/' }).issuer).toBe('https://id.example.com');
  });

  it('generates the secret keys once in DATA_DIR (embedded) and keeps them', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first.tokenPepper.length).toBeGreaterThanOrEqual(32);
    expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(true);
    expect((fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o077)).toBe(0);
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.tokenPepper).toBe(first.tokenPepper);
    expect(second.cookieKeys).toEqual(first.cookieKeys);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ISSUER: 'not a url' }, 'ISSUER'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATABASE_URL: 'postgres://db/x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ TOKEN_PEPPER: 'short' }, 'TOKEN_PEPPER'],
    [{ COOKIE_KEYS: 'short' }, 'COOKIE_KEYS'],
    [{ PAT_PREFIX: 'TSP' }, 'PAT_PREFIX'],
    [{ PAT_MAX_LIFETIME_DAYS: '-1' }, 'PAT_MAX_LIFETIME_DAYS'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ PASSWORD_SCRYPT_N: '1000' }, 'PASSWORD_SCRYPT_N'],
    [{ DATABASE_URL: 'mysql://root@db:3306/tessera' }, 'TOKEN_PEPPER'],
    [{ DATABASE_URL: 'mysql://root@db:3306/tessera', TOKEN_PEPPER: PEPPER }, 'COOKIE_KEYS'],
    [{ DATABASE_URL: 'mysql://root@db:3306/tessera', TOKEN_PEPPER: PEPPER, COOKIE_KEYS: PEPPER }, 'JWKS'],
    [{ JWKS: '{not json' }, 'JWKS'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ CORS_ORIGINS: 'https://app.example/' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example,*' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'ftp://files.example' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example/path' }, 'CORS_ORIGINS'],
    [{ METRICS_TOKEN: `${'m'.repeat(32)} with spaces` }, 'METRICS_TOKEN'],
    [{ HEADERS_TIMEOUT_SECONDS: '20', REQUEST_TIMEOUT_SECONDS: '10' }, 'REQUEST_TIMEOUT_SECONDS'],
    [{ LISTEN_HOST: 'tessera.example' }, 'LISTEN_HOST'],
  ])('%o fails with one message naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir, ...env });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${variable}\\b`));
    expect(message).not.toContain('\n');
  });

  it('a broken SCOPES_FILE is a configuration error naming the variable', () => {
    const file = path.join(dataDir, 'scopes.json');
    expect(() => ScopeRegistry.load(file)).toThrow(ConfigError);
    fs.writeFileSync(file, JSON.stringify([{ name: 'user', access: 'read', description: { en: 'again', zh: '再次' } }]));
    expect(() => ScopeRegistry.load(file)).toThrow(/^Invalid configuration: SCOPES_FILE .*user/);
    fs.writeFileSync(file, JSON.stringify([{ name: 'x:y', access: 'write', description: { en: 'x', zh: 'x' } }]));
    expect(() => ScopeRegistry.load(file)).toThrow(/^Invalid configuration: SCOPES_FILE .*access/);
  });
});

describe('PAT_PREFIX', () => {
  it('changes the prefix of new tokens; tokens with another prefix are rejected without lookup', async () => {
    const server = await startTestServer({ PAT_PREFIX: 'acme_' });
    try {
      const lee = await server.createUser('lee');
      const created = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: lee.basic, body: { name: 'p', scopes: ['user'] } });
      expect(created.body.token).toMatch(/^acme_[0-9A-Za-z]{36}$/);
      expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${created.body.token}` })).status).toBe(200);
      const otherPrefix = `tsp_${created.body.token.slice('acme_'.length)}`;
      expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${otherPrefix}` })).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
