import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const commaList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** A web origin exactly as browsers send it in `Origin`: scheme, host and port if not the default; no path. */
const webOrigin = z.string().refine((v) => {
  const url = URL.parse(v);
  return !!url && (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === v;
}, 'each entry must be an origin such as https://app.example.com (scheme, host, optional port; no path or trailing slash)');

/**
 * Every setting Tessera reads from the environment, with its default.
 * docs/configuration.md describes each one; keep the two in step.
 */
export const environmentSchema = z.object({
  /** TCP port to listen on. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address to listen on: 0.0.0.0 every IPv4 interface, :: every interface (IPv6 too), 127.0.0.1 only a proxy on the same host. */
  LISTEN_HOST: z
    .string()
    .refine((v) => ipaddr.isValid(v), 'must be an IP address, such as 0.0.0.0, :: or 127.0.0.1')
    .default('0.0.0.0'),
  /** Seconds a client may take to send a request's headers; then 408 and the connection is closed. */
  HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  /** Seconds a client may take to send a whole request (headers and body); then 408 and the connection is closed. */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Open connections one remote address may hold at once; beyond, 429 and closed. 0 = no limit. */
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).max(100000).default(100),
  /** Public base URL; the OIDC issuer. Defaults to http://localhost:PORT. */
  ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  /** Where embedded mode keeps its SQLite file and generated secrets. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** mysql://user:pass@host:port/db — unset means SQLite in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^mysql:\/\/[^/]+\/[A-Za-z0-9_$-]+/, 'must look like mysql://user:password@host:3306/database')
    .optional(),
  /** How long one MySQL/MariaDB query may run before the request gets 503 (its connection is dropped), ms. */
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600000).default(2000),
  /** How long connecting to MySQL/MariaDB, or waiting for a free pooled connection, may take before the request gets 503, ms. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(2000),
  /** redis://host:6379/0 — unset means the in-process cache (one instance only). */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** How long a Redis command may take before Redis counts as stalled (circuit breaker opens; database and memory fallbacks), ms. */
  REDIS_TIMEOUT_MS: z.coerce.number().int().min(20).max(10000).default(150),
  /** Prefix for every Redis key and channel, so instances of several deployments can share a Redis. */
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, ":", "_" and "-" only').default('tessera:'),
  /** HMAC key for token digests. Generated in embedded mode; required with DATABASE_URL. */
  TOKEN_PEPPER: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Comma-separated keys signing cookies (first signs, all verify). Generated in embedded mode. */
  COOKIE_KEYS: commaList
    .pipe(z.array(z.string().min(32, 'each key must be at least 32 characters')).min(1, 'needs at least one key'))
    .optional(),
  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prefix of personal access tokens; lets secret scanners recognise them. */
  PAT_PREFIX: z.string().regex(/^[a-z]{2,8}_$/, 'must be 2-8 lowercase letters followed by "_"').default('tsp_'),
  /** Longest lifetime a PAT may have, in days; 0 = no cap (tokens without expiry allowed). */
  PAT_MAX_LIFETIME_DAYS: z.coerce.number().int().min(0).max(36500).default(0),
  /** A PAT unused this many days is revoked at its next use (its owner told through the security log); 0 = never. */
  PAT_MAX_IDLE_DAYS: z.coerce.number().int().min(0).max(36500).default(0),
  /** Optional JSON file adding scopes to the built-in registry (see config/scopes.example.json). */
  SCOPES_FILE: z.string().min(1).optional(),
  /** Trust X-Forwarded-For / X-Forwarded-Proto from one reverse proxy directly in front (its appended, rightmost entry is the client). */
  TRUST_PROXY: bool.default(false),
  /** scrypt cost parameter N for new password hashes (power of two). */
  PASSWORD_SCRYPT_N: z.coerce
    .number()
    .int()
    .refine((n) => n >= 1024 && (n & (n - 1)) === 0, 'must be a power of two >= 1024')
    .default(32768),
  /** Failed sign-ins are counted over windows of this many seconds. */
  SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().min(60).max(86400).default(900),
  /** Failed sign-ins for one account from one address per window; then 429 for that pair. */
  SIGN_IN_FAILURES_PER_ACCOUNT_ADDRESS: z.coerce.number().int().min(1).max(1000).default(10),
  /** Failed sign-ins from one address per window, whatever the accounts; then 429 for the address (except for accounts that signed in from it before). */
  SIGN_IN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100000).default(100),
  /** Failed sign-ins for one account from every address per window; beyond, that account is slowed to one check per 10 s (from addresses it never signed in from). */
  SIGN_IN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(100000).default(50),
  /** Failed token authentications (API tokens, introspection client secrets) are counted over windows of this many seconds. */
  TOKEN_AUTH_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  /** Failed token authentications from one address per window; beyond, 429 for credentials the instance has not verified. */
  TOKEN_AUTH_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1000000).default(60),
  /** Leak reports (POST /api/v1/credentials/revoke) one client address may send per hour; beyond, 429. */
  LEAK_REPORTS_PER_HOUR: z.coerce.number().int().min(1).max(1000000).default(60),
  /** GitHub's secret-scanning public keys as a JSON file ({"public_keys":[…]}); unset = the GitHub secret-scanning endpoint answers 404. */
  GITHUB_SECRET_SCANNING_KEYS_FILE: z.string().min(1).optional(),
  /** Password checks (scrypt) running at once in one instance. */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Password checks waiting for their turn in one instance; beyond, 503 with Retry-After. */
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10000).default(32),
  /** Password checks one address may have running or waiting at once in one instance; beyond, 429. */
  PASSWORD_HASH_PER_ADDRESS: z.coerce.number().int().min(1).max(1000).default(8),
  /** The OIDC signing keys: a private JWK Set as JSON ({"keys":[…]}). Required (or JWKS_FILE) with DATABASE_URL; embedded mode generates them. */
  JWKS: z.string().min(1).optional(),
  /** Path of a file holding the private JWK Set; used when JWKS is unset. */
  JWKS_FILE: z.string().min(1).optional(),
  /** Lifetime of OAuth access tokens (and client-credentials tokens), seconds. */
  OAUTH_ACCESS_TOKEN_TTL: z.coerce.number().int().min(1).max(86400).default(3600),
  /** Lifetime of each OAuth refresh token, seconds (rotated on every use). */
  OAUTH_REFRESH_TOKEN_TTL: z.coerce.number().int().min(60).max(31536000).default(2592000),
  /** How long a device-flow code waits for the user, seconds. */
  OAUTH_DEVICE_CODE_TTL: z.coerce.number().int().min(1).max(3600).default(600),
  /** Seconds between two purges of expired rows (OAuth artifacts, web sessions) by each instance; 0 = never (run `tessera cleanup` instead). */
  CLEANUP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86400).default(300),
  /** Rows deleted per statement when purging, so no statement holds locks for long. */
  CLEANUP_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  /** Days a security-log entry is kept; the cleanup run deletes older ones. */
  SECURITY_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** Where notification mail goes: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465; unset = notices only on the notifications page. */
  SMTP_URL: z
    .string()
    .url()
    .refine((v) => /^smtps?:\/\//.test(v), 'must start with smtp:// or smtps://')
    .optional(),
  /** The From address of notification mail; required with SMTP_URL. */
  MAIL_FROM: z.string().min(3).max(254).optional(),
  /** Seconds between two expiry scans (and mail retries) by each instance; 0 = never (run `tessera notify run` instead). */
  NOTIFY_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86400).default(300),
  /** On SIGTERM/SIGINT, how long in-flight requests may take to finish before the process exits anyway. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  /** Comma-separated origins whose pages may call the JSON API and the OAuth endpoints cross-origin (never with cookies). */
  CORS_ORIGINS: commaList.pipe(z.array(webOrigin)).default([]),
  /** Bearer secret that GET /metrics requires; unset = /metrics is not served. */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces only').optional(),
  /** Password for the first admin; if unset a random one is generated and printed once. */
  TESSERA_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
});

export type Environment = z.infer<typeof environmentSchema>;
