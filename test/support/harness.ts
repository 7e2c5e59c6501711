import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { buildRequestListener } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createContainer, type Container } from '../../src/container.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { generateSigningKeys } from '../../src/security/signing-keys.js';

/**
 * The mode a suite runs in comes from the environment, exactly as for the server:
 * no DATABASE_URL → embedded (SQLite + in-process cache); DATABASE_URL/REDIS_URL → real
 * MariaDB and Redis. Each test file gets its own fresh database and Redis key prefix.
 */
export const productionMode = Boolean(process.env.DATABASE_URL);

/** A clock tests can move; starts at the real time. */
export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TestServer {
  url: string;
  container: Container;
  clock: TestClock;
  config: Config;
  /** Creates a user through the service layer and returns its credentials. */
  createUser(username: string, options?: { admin?: boolean; password?: string }): Promise<{ username: string; password: string; basic: string }>;
  close(): Promise<void>;
}

export interface TestEnvironment {
  env: NodeJS.ProcessEnv;
  /** Drops the database / deletes the data dir and Redis keys. */
  destroy(): Promise<void>;
}

/** A private database (MySQL schema or SQLite dir) and Redis prefix for one test file. */
export async function createTestEnvironment(): Promise<TestEnvironment> {
  const id = `t${process.pid}_${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    TOKEN_PEPPER: randomBytes(32).toString('hex'),
    COOKIE_KEYS: randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PASSWORD_SCRYPT_N: '1024',
    PORT: '0',
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  env.DATA_DIR = dataDir;
  let dropDatabase = async () => {};
  if (process.env.DATABASE_URL) {
    // Production mode refuses to generate signing keys; hand it a set, as an operator would.
    env.JWKS = JSON.stringify(await testSigningKeys());
    const base = new URL(process.env.DATABASE_URL);
    const database = `tessera_${id}`;
    const admin = await mysql.createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) });
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const conn = await mysql.createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) });
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await conn.end();
    };
  }
  let flushRedis = async () => {};
  if (process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
    env.REDIS_KEY_PREFIX = `tessera-test:${id}:`;
    flushRedis = async () => {
      const redis = new Redis(process.env.REDIS_URL!);
      const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    };
  }
  return {
    env,
    async destroy() {
      await dropDatabase();
      await flushRedis();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let signingKeys: ReturnType<typeof generateSigningKeys> | undefined;
/** One key set per test process: RSA generation is slow enough to matter per file. */
function testSigningKeys(): ReturnType<typeof generateSigningKeys> {
  signingKeys ??= generateSigningKeys();
  return signingKeys;
}

export interface ServerOptions {
  /** Where the instance logs (e.g. createLogger('info', capturedLog)); silent by default. */
  logger?: Logger;
}

/** Starts a Tessera instance on a loopback port over the given environment. */
export async function startServer(environment: TestEnvironment, overrides: NodeJS.ProcessEnv = {}, options: ServerOptions = {}): Promise<TestServer> {
  // Listen first, so the OIDC issuer can be the real URL (clients check it on discovery).
  let handle: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clock = new TestClock();
  let config: Config;
  let container: Container;
  try {
    config = loadConfig({ ISSUER: url, ...environment.env, ...overrides });
    container = await createContainer(config, { clock: clock.now, logger: options.logger ?? createLogger(config.logLevel) });
  } catch (err) {
    // A server that cannot start must not keep the test process alive.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  handle = buildRequestListener(container);
  return {
    url,
    container,
    clock,
    config,
    async createUser(username, options = {}) {
      const password = options.password ?? `pw-${randomBytes(6).toString('hex')}`;
      await container.users.create({ username, email: `${username}@example.test`, password, isAdmin: options.admin ?? false });
      return { username, password, basic: basicAuth(username, password) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await container.close();
    },
  };
}

/** One server over a fresh environment; what most suites need. */
export async function startTestServer(overrides: NodeJS.ProcessEnv = {}, options: ServerOptions = {}): Promise<TestServer & { environment: TestEnvironment }> {
  const environment = await createTestEnvironment();
  const server = await startServer(environment, overrides, options);
  return {
    ...server,
    environment,
    async close() {
      await server.close();
      await environment.destroy();
    },
  };
}

/** Several instances over one fresh environment (one database, one Redis prefix), as a deployment runs them. */
export interface Instances<T extends unknown[]> {
  environment: TestEnvironment;
  /** One per entry of the settings, in order. */
  instances: T;
  /** Stops every instance, then drops the environment. */
  close(): Promise<void>;
}

type OnePer<Settings extends readonly unknown[], T> = { -readonly [K in keyof Settings]: T };

/**
 * Starts one instance per entry of `settings` over one fresh environment: the first alone, since it
 * migrates the database, then the others together. If one fails, those started are stopped.
 */
export async function startOverOneEnvironment<const Settings extends readonly NodeJS.ProcessEnv[], T>(
  settings: Settings,
  start: (environment: TestEnvironment, overrides: NodeJS.ProcessEnv) => Promise<T>,
  stop: (instance: T) => Promise<void>,
): Promise<Instances<OnePer<Settings, T>>> {
  const environment = await createTestEnvironment();
  const instances: T[] = [];
  const close = async () => {
    await Promise.all(instances.map(stop));
    await environment.destroy();
  };
  try {
    const [first, ...others] = settings;
    if (first) instances.push(await start(environment, first));
    const started = await Promise.allSettled(others.map((overrides) => start(environment, overrides)));
    for (const result of started) if (result.status === 'fulfilled') instances.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await close();
    throw err;
  }
  // One instance per entry of `settings`, in order (all fulfilled, or we threw above).
  return { environment, instances: instances as OnePer<Settings, T>, close };
}

/** In-process instances (startServer), one per entry of `settings` (its overrides). */
export function startInstances<const Settings extends readonly NodeJS.ProcessEnv[]>(settings: Settings): Promise<Instances<OnePer<Settings, TestServer>>> {
  return startOverOneEnvironment(settings, (environment, overrides) => startServer(environment, overrides), (server) => server.close());
}

export function basicAuth(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
}

/** A PAT as the API returns it on creation. */
export interface CreatedPat {
  id: number;
  token: string;
  expires_at: string | null;
  [field: string]: unknown;
}

/** POST /api/v1/user/tokens as `owner` (a Basic header): a token named 'test token' with scope `user` unless `body` says otherwise; fails unless 201. */
export async function createPat(base: string, owner: string, body: Record<string, unknown> = {}): Promise<CreatedPat> {
  const res = await api(base, 'POST', '/api/v1/user/tokens', { auth: owner, body: { name: 'test token', scopes: ['user'], ...body } });
  if (res.status !== 201) throw new Error(`PAT not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as CreatedPat;
}

/** fetch + JSON, for brevity in tests. */
export async function api(
  base: string,
  method: string,
  path: string,
  options: { auth?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth) headers.Authorization = options.auth;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] ??= 'application/json';
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
