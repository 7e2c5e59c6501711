import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config/index.js';
import { createDataSource, runMigrations, sqliteExternalWrites } from './db/data-source.js';
import { boundDatabaseWaits } from './db/database-timeouts.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics/index.js';
import { Readiness } from './readiness.js';
import { RedisBreaker } from './redis/redis-breaker.js';
import { MemoryRevocationCache } from './revocation/memory-revocation-cache.js';
import { RedisRevocationCache } from './revocation/redis-revocation-cache.js';
import type { RevocationCache } from './revocation/revocation-cache.js';
import { RevocationNotifier } from './revocation/revocation-notifier.js';
import { userRevocationKey } from './revocation/revocation-keys.js';
import { ScopeRegistry } from './scopes/scope-registry.js';
import { PasswordCheckQueue } from './security/password-check-queue.js';
import { PasswordHasher } from './security/password-hasher.js';
import { adminAuditLog } from './services/admin-audit.js';
import { CleanupService } from './services/cleanup-service.js';
import { passwordSignIn, type PasswordSignIn } from './security/password-sign-in.js';
import { SignInThrottle } from './security/sign-in-throttle.js';
import { TokenAuthThrottle } from './security/token-auth-throttle.js';
import { PatService } from './services/pat-service.js';
import { UserService } from './services/user-service.js';
import { TypeormPatStore } from './stores/pat-store.js';
import { TypeormSettingsStore } from './stores/settings-store.js';
import { IssuancePolicyRecord, policyFromConfig, type IssuancePolicy } from './services/issuance-policy.js';
import { TypeormUserStore } from './stores/user-store.js';
import { PatFormat } from './tokens/format/pat-format.js';
import { IntrospectorChain } from './tokens/introspection/introspector-chain.js';
import { PatIntrospector } from './tokens/introspection/pat-introspector.js';
import { OAuthTokenIntrospector } from './tokens/introspection/oauth-token-introspector.js';
import { ApplicationIntrospectionCallers, type IntrospectionCallers } from './tokens/introspection/introspection-callers.js';
import { IntrospectionResponder } from './tokens/introspection/introspection-response.js';
import { introspectionJwtSigner } from './tokens/introspection/introspection-jwt.js';
import { clientChangeHook, oauthRevocationHook } from './revocation/oauth-revocations.js';
import { TypeormWebSessionStore } from './stores/web-session-store.js';
import { WebSessionService } from './web/session/web-session-service.js';
import { createOidcComponents, type OidcComponents } from './oidc/index.js';
import { accountIdOf } from './oidc/account.js';

/** Everything a Tessera instance is made of, wired once; tests build their own. */
export interface Container {
  config: Config;
  /** What may be issued (PAT lifetime cap and prefix, password cost, added scopes): the server's own, or the one it stored. */
  policy: IssuancePolicy;
  logger: Logger;
  clock: Clock;
  dataSource: DataSource;
  redis: Redis | null;
  /** Whether Redis answers in time (REDIS_TIMEOUT_MS); every Redis user goes through it. Null without Redis. */
  redisBreaker: RedisBreaker | null;
  scopes: ScopeRegistry;
  revocationCache: RevocationCache;
  /** What services call after revoking or changing anything a cache may hold. */
  revocations: RevocationNotifier;
  patFormat: PatFormat;
  users: UserService;
  /** Username + password sign-in (throttled, hashing bounded) for the API, the web pages and the OAuth pages. */
  signIn: PasswordSignIn;
  pats: PatService;
  /** Signed-in browsers (web pages), stored in the database. */
  webSessions: WebSessionService;
  /** Every token kind: PATs, OAuth access and refresh tokens (one chain for the endpoint and our own APIs). */
  introspector: IntrospectorChain;
  /** Who may call the introspection endpoint (confidential apps with the permission). */
  introspectionCallers: IntrospectionCallers;
  /** Failed authentications with a token or client secret, per client address (the API and the introspection endpoint). */
  tokenAuthThrottle: TokenAuthThrottle;
  introspectionResponder: IntrospectionResponder;
  /** Purges expired rows: periodically (main.ts schedules it) and by `tessera cleanup`. */
  cleanup: CleanupService;
  /** This instance's Prometheus metrics (its own registry). */
  metrics: Metrics;
  /** Whether the database and Redis answer: /readyz and `tessera_dependency_up`. */
  readiness: Readiness;
  close(): Promise<void>;
}

/** The authorization server: `c.oidc` is the provider; `c.oidcRevocations.hook` receives OAuth revocations. */
export interface Container extends OidcComponents {}

export interface ContainerOptions {
  clock?: Clock;
  logger?: Logger;
  /**
   * 'publish' (the server, the default): the configuration's issuance policy is stored in the
   * database. 'follow' (the CLI): the stored one applies; `env` setting another value is an error.
   */
  policy?: { mode: 'publish' } | { mode: 'follow'; env: NodeJS.ProcessEnv };
}

/** Connects to the database (running pending migrations) and Redis, and wires the services. */
export async function createContainer(config: Config, options: ContainerOptions = {}): Promise<Container> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  // Read (and checked) before connecting: a bad SCOPES_FILE is reported as configuration.
  const ownPolicy = policyFromConfig(config);
  const metrics = new Metrics();

  const dataSource = createDataSource(config);
  await dataSource.initialize();
  const applied = await runMigrations(dataSource);
  if (applied.length) logger.info({ migrations: applied }, 'applied database migrations');
  // From here on no wait on the database is unbounded (migrations may wait longer, so they come first).
  boundDatabaseWaits(dataSource, config.databaseTimeouts);

  const policyRecord = new IssuancePolicyRecord(new TypeormSettingsStore(dataSource), clock, logger);
  const policy = options.policy?.mode === 'follow' ? await policyRecord.follow(ownPolicy, options.policy.env) : await policyRecord.publish(ownPolicy);
  const scopes = ScopeRegistry.withAdditions(policy.scopeAdditions);

  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger) : null;
  // The revocation cache has its own connections: its reads batch themselves (BatchedReads), so
  // auto-pipelining would only hold each batch back another event-loop turn; its marker writes
  // must stay queued on a paused Redis rather than be dropped by a timeout (the breaker bounds
  // how long anyone waits for them; see RedisRevocationCache); and pub/sub needs a connection of its own.
  const revocationRedis = redis?.duplicate({ enableAutoPipelining: false, commandTimeout: undefined }) ?? null;
  if (redis && revocationRedis) await Promise.all([waitUntilReady(redis, 3000), waitUntilReady(revocationRedis, 3000)]);
  const redisBreaker = revocationRedis ? new RedisBreaker(() => revocationRedis.ping(), config.redisTimeoutMs, logger) : null;
  const revocationCache: RevocationCache =
    redis && revocationRedis && redisBreaker
      ? new RedisRevocationCache(revocationRedis, redis.duplicate({ enableOfflineQueue: true }), config.redisKeyPrefix, redisBreaker, metrics.revocationReads('redis'))
      : new MemoryRevocationCache(() => clock().getTime(), sqliteExternalWrites(dataSource) ?? undefined, metrics.revocationReads('memory'));
  const revocations = new RevocationNotifier(revocationCache, clock, logger);

  const limiterStore = { redis, guard: redisBreaker, prefix: config.redisKeyPrefix };
  const patFormat = new PatFormat(policy.patPrefix, config.tokenPepper);
  const userStore = new TypeormUserStore(dataSource);
  const patStore = new TypeormPatStore(dataSource);
  const adminAudit = adminAuditLog(logger);
  const webSessionStore = new TypeormWebSessionStore(dataSource);
  // A password change signs the account out everywhere: the web pages and the authorization
  // server (whose components are built below, from these users).
  let endProviderSessions = async (_accountId: string) => {};
  const hasher = new PasswordHasher(policy.passwordScryptN);
  const users = new UserService(
    userStore,
    hasher,
    clock,
    (user) => revocations.revoked(userRevocationKey(user.id)),
    adminAudit,
    async (user) => {
      await webSessionStore.deleteForUser(user.id);
      await endProviderSessions(accountIdOf(user));
    },
  );
  const signIn = passwordSignIn({
    accounts: userStore,
    hasher,
    throttle: new SignInThrottle(limiterStore, config.signIn),
    queue: new PasswordCheckQueue(config.passwordChecks),
    metrics: metrics.signIn,
  });
  const pats = new PatService(patStore, patFormat, scopes, revocations, clock, policy.patMaxLifetimeDays, adminAudit);
  const oauth = await createOidcComponents({
    config,
    logger,
    clock,
    dataSource,
    redis,
    redisGuard: redisBreaker,
    scopes,
    users,
    onRevoked: oauthRevocationHook(revocations),
    onClientChanged: clientChangeHook(revocations),
  });
  endProviderSessions = oauth.endProviderSessions;
  // PATs first: their prefix and checksum make the claim exact; provider tokens are 43 opaque characters.
  const introspector = new IntrospectorChain([
    new PatIntrospector(patFormat, patStore, userStore, revocationCache, clock, logger, metrics.tokenCache('personal_access_token')),
    new OAuthTokenIntrospector('access_token', oauth.oidc, userStore, revocationCache, clock, oauth.oidcArtifactKeys, metrics.tokenCache('access_token')),
    new OAuthTokenIntrospector('refresh_token', oauth.oidc, userStore, revocationCache, clock, oauth.oidcArtifactKeys, metrics.tokenCache('refresh_token')),
  ]);
  const introspectionCallers = new ApplicationIntrospectionCallers(
    oauth.applicationStore,
    oauth.clientSecrets,
    revocationCache,
    metrics.tokenCache('introspection_caller'),
  );
  const readiness = new Readiness(dataSource, redis ? revocationCache : null);
  metrics.watchReadiness(readiness);
  const introspectionResponder = new IntrospectionResponder(config.issuer, introspectionJwtSigner(oauth.signingKeys), clock);
  const cleanup = new CleanupService(
    [oauth.expiredOidcRows, { name: 'web_sessions', deleteExpired: (now, limit) => webSessionStore.deleteExpired(now, limit) }],
    clock,
    config.cleanupBatchSize,
  );

  return {
    config,
    policy,
    logger,
    clock,
    dataSource,
    redis,
    redisBreaker,
    scopes,
    revocationCache,
    revocations,
    patFormat,
    users,
    signIn,
    pats,
    introspector,
    introspectionCallers,
    tokenAuthThrottle: new TokenAuthThrottle(limiterStore, config.tokenAuth),
    introspectionResponder,
    metrics,
    readiness,
    ...oauth,
    webSessions: new WebSessionService(webSessionStore, users, clock),
    cleanup,
    async close() {
      redisBreaker?.close();
      await revocationCache.close();
      redis?.disconnect();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    // Fail fast instead of queueing while Redis is down; callers fall back to MySQL.
    enableOfflineQueue: false,
    // Commands issued in the same tick (many concurrent introspections) share one write.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // A backstop only: Tessera's Redis users go through the RedisBreaker, which notices a stalled
    // Redis within REDIS_TIMEOUT_MS (plus at most one heartbeat) and then releases and refuses every
    // wait. The revocation cache's connection overrides this (see above).
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.error({ err: err.message }, 'redis connection lost');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis connection restored');
    down = false;
  });
  return redis;
}

/** Gives Redis a moment at start; if it is down the instance starts degraded and recovers later. */
async function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
  });
}
