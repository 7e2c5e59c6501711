import fs from 'node:fs';
import path from 'node:path';
import { environmentSchema } from './schema.js';
import { loadOrCreateEmbeddedSecrets } from './embedded-secrets.js';

/** How long Tessera waits on MySQL/MariaDB (DATABASE_QUERY_TIMEOUT_MS, DATABASE_CONNECT_TIMEOUT_MS). */
export interface DatabaseTimeouts {
  /** One query, from the moment it is handed to its connection. */
  queryMs: number;
  /** Opening a connection, and waiting for a free one in the pool. */
  connectMs: number;
}

/** Limits on what one client may hold of the server (HEADERS_TIMEOUT_SECONDS, REQUEST_TIMEOUT_SECONDS, MAX_CONNECTIONS_PER_ADDRESS). */
export interface ClientLimits {
  /** Time to send the request line and every header. */
  headersTimeoutMs: number;
  /** Time to send the whole request, headers and body (not the time to answer it). */
  requestTimeoutMs: number;
  /** Open connections one remote address may hold at once; 0 = no limit. */
  maxConnectionsPerAddress: number;
}

/** Typed, validated settings the rest of the service receives explicitly. */
export interface Config {
  port: number;
  /** The address the server listens on (LISTEN_HOST). */
  listenHost: string;
  /** Slow and greedy clients (src/http/http-server.ts). */
  clientLimits: ClientLimits;
  issuer: string;
  dataDir: string;
  /** 'embedded' = SQLite + in-process cache; 'production' = MySQL (+ Redis when REDIS_URL is set). */
  mode: 'embedded' | 'production';
  databaseUrl?: string;
  /** Bounds on every wait on MySQL/MariaDB (src/db/database-timeouts.ts). */
  databaseTimeouts: DatabaseTimeouts;
  redisUrl?: string;
  redisKeyPrefix: string;
  /** A Redis command slower than this opens the circuit breaker (src/redis/redis-breaker.ts). */
  redisTimeoutMs: number;
  tokenPepper: string;
  cookieKeys: string[];
  logLevel: string;
  patPrefix: string;
  patMaxLifetimeDays: number;
  /** PAT_MAX_IDLE_DAYS: 0 = tokens never expire for lack of use. */
  patMaxIdleDays: number;
  scopesFile?: string;
  trustProxy: boolean;
  passwordScryptN: number;
  /** Failed sign-in limits (docs/security.md#sign-in-throttling-and-password-hashing). */
  signIn: {
    windowSeconds: number;
    failuresPerAccountAndAddress: number;
    failuresPerAddress: number;
    failuresPerAccount: number;
  };
  /** Failed token authentications per client address (docs/security.md#abuse-limits). */
  tokenAuth: { windowSeconds: number; failuresPerAddress: number };
  /** Leak reports one client address may send per hour (docs/leaked-tokens.md). */
  leakReportsPerHour: number;
  /** GitHub's secret-scanning public keys file; unset = no GitHub secret-scanning endpoint. */
  githubSecretScanningKeysFile?: string;
  /** Bounds on concurrent password checks, per instance. */
  passwordChecks: { concurrency: number; queue: number; perAddress: number };
  adminPassword?: string;
  /** OIDC signing keys (private JWK Set) from JWKS / JWKS_FILE; unset in embedded mode = generated in DATA_DIR. */
  jwks?: { keys: Record<string, unknown>[] };
  oauthAccessTokenTtl: number;
  oauthRefreshTokenTtl: number;
  oauthDeviceCodeTtl: number;
  /** Seconds between purges of expired rows; 0 = no periodic purge. */
  cleanupIntervalSeconds: number;
  cleanupBatchSize: number;
  /** Days a security-log entry is kept. */
  securityLogRetentionDays: number;
  /** Notification mail: SMTP_URL and MAIL_FROM; unset = notices only on the notifications page. */
  mail?: { smtpUrl: string; from: string };
  /** Seconds between expiry scans; 0 = none (`tessera notify run`). */
  notifyIntervalSeconds: number;
  /** Longest graceful drain on SIGTERM/SIGINT before a forced exit. */
  shutdownTimeoutSeconds: number;
  /** Origins allowed to call the JSON API and the OAuth endpoints from a browser (CORS); empty by default. */
  corsOrigins: string[];
  /** The bearer secret GET /metrics requires; unset = /metrics is not served. */
  metricsToken?: string;
}

/** Thrown for invalid configuration; its message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once at start; fails with one clear message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${variable} ${issue.message}`);
  }
  const e = parsed.data;
  const mode = e.DATABASE_URL ? 'production' : 'embedded';
  const dataDir = path.resolve(e.DATA_DIR);

  let tokenPepper = e.TOKEN_PEPPER;
  let cookieKeys = e.COOKIE_KEYS;
  if (mode === 'production') {
    if (!tokenPepper) throw new ConfigError('Invalid configuration: TOKEN_PEPPER is required when DATABASE_URL is set');
    if (!cookieKeys) throw new ConfigError('Invalid configuration: COOKIE_KEYS is required when DATABASE_URL is set');
  } else if (!tokenPepper || !cookieKeys) {
    const generated = loadOrCreateEmbeddedSecrets(dataDir);
    tokenPepper ??= generated.tokenPepper;
    cookieKeys ??= generated.cookieKeys;
  }

  if (e.REQUEST_TIMEOUT_SECONDS < e.HEADERS_TIMEOUT_SECONDS) {
    throw new ConfigError('Invalid configuration: REQUEST_TIMEOUT_SECONDS must be at least HEADERS_TIMEOUT_SECONDS (the headers are part of the request)');
  }

  return {
    port: e.PORT,
    listenHost: e.LISTEN_HOST,
    clientLimits: {
      headersTimeoutMs: e.HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
      maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
    },
    issuer: (e.ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    dataDir,
    mode,
    databaseUrl: e.DATABASE_URL,
    databaseTimeouts: { queryMs: e.DATABASE_QUERY_TIMEOUT_MS, connectMs: e.DATABASE_CONNECT_TIMEOUT_MS },
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    tokenPepper,
    cookieKeys,
    logLevel: e.LOG_LEVEL,
    patPrefix: e.PAT_PREFIX,
    patMaxLifetimeDays: e.PAT_MAX_LIFETIME_DAYS,
    patMaxIdleDays: e.PAT_MAX_IDLE_DAYS,
    scopesFile: e.SCOPES_FILE,
    trustProxy: e.TRUST_PROXY,
    passwordScryptN: e.PASSWORD_SCRYPT_N,
    signIn: {
      windowSeconds: e.SIGN_IN_WINDOW_SECONDS,
      failuresPerAccountAndAddress: e.SIGN_IN_FAILURES_PER_ACCOUNT_ADDRESS,
      failuresPerAddress: e.SIGN_IN_FAILURES_PER_ADDRESS,
      failuresPerAccount: e.SIGN_IN_FAILURES_PER_ACCOUNT,
    },
    tokenAuth: { windowSeconds: e.TOKEN_AUTH_WINDOW_SECONDS, failuresPerAddress: e.TOKEN_AUTH_FAILURES_PER_ADDRESS },
    leakReportsPerHour: e.LEAK_REPORTS_PER_HOUR,
    githubSecretScanningKeysFile: e.GITHUB_SECRET_SCANNING_KEYS_FILE,
    passwordChecks: { concurrency: e.PASSWORD_HASH_CONCURRENCY, queue: e.PASSWORD_HASH_QUEUE, perAddress: e.PASSWORD_HASH_PER_ADDRESS },
    adminPassword: e.TESSERA_ADMIN_PASSWORD,
    jwks: readJwks(e.JWKS, e.JWKS_FILE, mode),
    oauthAccessTokenTtl: e.OAUTH_ACCESS_TOKEN_TTL,
    oauthRefreshTokenTtl: e.OAUTH_REFRESH_TOKEN_TTL,
    oauthDeviceCodeTtl: e.OAUTH_DEVICE_CODE_TTL,
    cleanupIntervalSeconds: e.CLEANUP_INTERVAL_SECONDS,
    cleanupBatchSize: e.CLEANUP_BATCH_SIZE,
    securityLogRetentionDays: e.SECURITY_LOG_RETENTION_DAYS,
    mail: readMail(e.SMTP_URL, e.MAIL_FROM),
    notifyIntervalSeconds: e.NOTIFY_INTERVAL_SECONDS,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    corsOrigins: e.CORS_ORIGINS,
    metricsToken: e.METRICS_TOKEN,
  };
}

/** SMTP_URL with MAIL_FROM (both or neither). */
function readMail(smtpUrl: string | undefined, from: string | undefined): Config['mail'] {
  if (!smtpUrl) return undefined;
  if (!from) throw new ConfigError('Invalid configuration: MAIL_FROM is required with SMTP_URL');
  return { smtpUrl, from };
}

/** The private JWK Set from JWKS or JWKS_FILE; production mode must have one. */
function readJwks(inline: string | undefined, file: string | undefined, mode: Config['mode']): Config['jwks'] {
  const variable = inline ? 'JWKS' : 'JWKS_FILE';
  let text = inline;
  if (!text && file) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`Invalid configuration: JWKS_FILE ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (!text) {
    if (mode === 'production') {
      throw new ConfigError('Invalid configuration: JWKS (or JWKS_FILE) is required when DATABASE_URL is set: a private JWK Set with an RSA signing key (see docs/oauth.md)');
    }
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`Invalid configuration: ${variable} is not valid JSON`);
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || !keys.length || !keys.every((k) => k && typeof k === 'object' && typeof (k as { d?: unknown }).d === 'string')) {
    throw new ConfigError(`Invalid configuration: ${variable} must be a JWK Set ({"keys":[…]}) of private keys`);
  }
  if (!keys.some((k) => (k as { kty?: unknown }).kty === 'RSA')) {
    throw new ConfigError(`Invalid configuration: ${variable} must contain an RSA key (ID tokens are signed with RS256 by default)`);
  }
  return { keys: keys as Record<string, unknown>[] };
}
