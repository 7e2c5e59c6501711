import type { Redis } from 'ioredis';
import type Provider from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config/index.js';
import { createDataSource, runMigrations, sqliteExternalWrites } from './db/data-source.js';
import { boundDatabaseWaits } from './db/database-timeouts.js';
import { accountIdOf } from './entities/index.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics/index.js';
import { AnonymousSessionCookie, createArtifactStorage, EXPIRY_GRACE_SECONDS } from './oidc/adapter/index.js';
import { providerGrants } from './oidc/grants.js';
import { createOidcProvider } from './oidc/provider.js';
import { providerTokenControl, providerTokens } from './oidc/provider-tokens.js';
import { connectRedis, waitUntilReady } from './redis/connections.js';
import { RedisBreaker } from './redis/redis-breaker.js';
import { MemoryRevocationCache } from './revocation/memory-revocation-cache.js';
import { RedisRevocationCache } from './revocation/redis-revocation-cache.js';
import type { RevocationCache } from './revocation/revocation-cache.js';
import { RevocationNotifier, type Revocations } from './revocation/revocation-notifier.js';
import { ScopeRegistry } from './scopes/scope-registry.js';
import { ClientSecrets } from './security/client-secrets.js';
import { PasswordCheckQueue } from './security/password-check-queue.js';
import { PasswordHasher } from './security/password-hasher.js';
import { passwordSignIn, type PasswordSignIn } from './security/password-sign-in.js';
import { SignInThrottle } from './security/sign-in-throttle.js';
import { loadOrCreateSigningKeys, type SigningKeySet } from './security/signing-keys.js';
import { TokenAuthThrottle } from './security/token-auth-throttle.js';
import { GithubScanningKeys } from './security/github-scanning-keys.js';
import { LeakReportThrottle } from './security/leak-report-throttle.js';
import { adminAuditLog } from './services/admin-audit.js';
import { ApplicationService } from './services/application-service.js';
import { AuthorizationService } from './services/authorization-service.js';
import { CleanupService } from './services/cleanup-service.js';
import { SecurityLog } from './services/security-log.js';
import { DpopProofs } from './security/dpop-proof.js';
import { dpopReplay } from './oidc/dpop-replay.js';
import type { TokenAuth } from './http/middleware/require-scopes.js';
import { recordedSignIn } from './services/sign-in-log.js';
import { memoryScanLock, NotificationService } from './services/notification-service.js';
import { TypeormNotificationStore } from './stores/notification-store.js';
import { smtpMailer } from './mail/mailer.js';
import { redisLock } from './redis/redis-lock.js';
import { TypeormSecurityEventStore } from './stores/security-event-store.js';
import { IssuancePolicyRecord, policyFromConfig, type IssuancePolicy } from './services/issuance-policy.js';
import { PatService } from './services/pat-service.js';
import { LeakedTokens } from './services/leaked-tokens.js';
import { Readiness } from './services/readiness.js';
import { UserService } from './services/user-service.js';
import { WebSessionService } from './services/web-session-service.js';
import { TypeormApplicationStore } from './stores/application-store.js';
import { OidcPayloadStore } from './stores/oidc-payload-store.js';
import { TypeormPatStore } from './stores/pat-store.js';
import { TypeormSettingsStore } from './stores/settings-store.js';
import { TypeormUserStore } from './stores/user-store.js';
import { TypeormWebSessionStore } from './stores/web-session-store.js';
import { providerPages } from './web/provider-pages.js';
import { ArtifactKeys } from './tokens/format/artifact-keys.js';
import { PatFormat } from './tokens/format/pat-format.js';
import { ApplicationIntrospectionCallers, type IntrospectionCallers } from './tokens/introspection/introspection-callers.js';
import { introspectionJwtSigner } from './tokens/introspection/introspection-jwt.js';
import { IntrospectionResponder } from './tokens/introspection/introspection-response.js';
import { IntrospectorChain } from './tokens/introspection/introspector-chain.js';
import { OAuthTokenIntrospector } from './tokens/introspection/oauth-token-introspector.js';
import { PatIntrospector } from './tokens/introspection/pat-introspector.js';

/**
 * Everything a Tessera instance is made of, built once by createContainer (the one composition
 * root). The doors (app.ts, the CLI) hand each router and endpoint only the parts it uses.
 */
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
  /** What every service (and the provider's storage) calls after revoking or changing anything a cache may hold. */
  revocations: Revocations;
  patFormat: PatFormat;
  users: UserService;
  /** Username + password sign-in (throttled, hashing bounded) for the API, the web pages and the OAuth pages. */
  signIn: PasswordSignIn;
  pats: PatService;
  /** Signed-in browsers (web pages), stored in the database. */
  webSessions: WebSessionService;
  /** The authorization server (oidc-provider), mounted last in app.ts. */
  oidc: Provider;
  /** OAuth apps: registration, secrets, permissions. */
  applications: ApplicationService;
  /** A user's authorized apps (grants). */
  authorizations: AuthorizationService;
  /** The provider's private signing keys (also signing RFC 9701 introspection responses). */
  signingKeys: SigningKeySet;
  /**
   * The storage key of an OAuth artifact: `artifactKeys.of('AccessToken', token)` is the id under
   * which that access token is stored and revoked (likewise RefreshToken, …).
   */
  artifactKeys: ArtifactKeys;
  /** Every token kind: PATs, OAuth access and refresh tokens (one chain for the endpoint and our own APIs). */
  introspector: IntrospectorChain;
  /** Who may call the introspection endpoint (confidential apps with the permission). */
  introspectionCallers: IntrospectionCallers;
  /** Failed authentications with a token or client secret, per client address (the API and the introspection endpoint). */
  tokenAuthThrottle: TokenAuthThrottle;
  /** How Tessera's own resource routes check a presented token: the chain, the throttle, DPoP proofs. */
  tokenAuth: TokenAuth;
  introspectionResponder: IntrospectionResponder;
  /** Leaked tokens (reports, GitHub secret scanning) and tokens an administrator holds: identified and revoked. */
  leakedTokens: LeakedTokens;
  /** Leak reports per client address and hour (LEAK_REPORTS_PER_HOUR). */
  leakReportThrottle: LeakReportThrottle;
  /** GitHub's secret-scanning public keys (GITHUB_SECRET_SCANNING_KEYS_FILE); null when unset. */
  githubScanningKeys: GithubScanningKeys | null;
  /** Token events, grants and sign-ins, with who, when and from where (never a secret). */
  securityLog: SecurityLog;
  /** Notices to token owners (expiry, leaks, sensitive scopes), mailed with SMTP_URL: scheduled by main.ts, and `tessera notify run`. */
  notifications: NotificationService;
  /** Purges expired rows: periodically (main.ts schedules it) and by `tessera cleanup`. */
  cleanup: CleanupService;
  /** This instance's Prometheus metrics (its own registry). */
  metrics: Metrics;
  /** Whether the database and Redis answer: /readyz and `tessera_dependency_up`. */
  readiness: Readiness;
  close(): Promise<void>;
}

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
  const githubScanningKeys = config.githubSecretScanningKeysFile ? GithubScanningKeys.fromFile(config.githubSecretScanningKeysFile) : null;
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

  // Redis and the revocation cache.
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

  // Stores.
  const userStore = new TypeormUserStore(dataSource);
  const patStore = new TypeormPatStore(dataSource);
  const webSessionStore = new TypeormWebSessionStore(dataSource);
  const applicationStore = new TypeormApplicationStore(dataSource);
  const payloads = new OidcPayloadStore(dataSource);
  const notifications = new NotificationService(
    new TypeormNotificationStore(dataSource),
    userStore,
    patStore,
    scopes,
    config.mail ? smtpMailer(config.mail.smtpUrl, config.mail.from) : null,
    redis ? redisLock(redis, `${config.redisKeyPrefix}lock:notify-scan`) : memoryScanLock(),
    config.issuer,
    clock,
    logger,
  );
  const securityLog = new SecurityLog(new TypeormSecurityEventStore(dataSource), clock, logger, [notifications.onSecurityEvent], async (id) => (await userStore.findById(id))?.username ?? null);

  // Accounts, sign-in and personal access tokens.
  const adminAudit = adminAuditLog(logger);
  const hasher = new PasswordHasher(policy.passwordScryptN);
  // A password change signs the account out everywhere: the web pages and the authorization server.
  const endSessions = async (user: { id: number }) => {
    await webSessionStore.deleteForUser(user.id);
    await payloads.deleteSessionsOf(accountIdOf(user));
  };
  const users = new UserService(userStore, hasher, clock, revocations, endSessions, adminAudit, securityLog, patStore);
  const signIn = recordedSignIn(
    passwordSignIn({
      accounts: userStore,
      hasher,
      throttle: new SignInThrottle(limiterStore, config.signIn),
      queue: new PasswordCheckQueue(config.passwordChecks),
      metrics: metrics.signIn,
    }),
    securityLog,
  );
  const patFormat = new PatFormat(policy.patPrefix, config.tokenPepper);
  const pats = new PatService(patStore, patFormat, scopes, revocations, clock, policy.patMaxLifetimeDays, adminAudit, securityLog, config.patMaxIdleDays);

  // The authorization server and its apps.
  const signingKeys = await loadOrCreateSigningKeys(config.jwks, config.dataDir);
  const clientSecrets = new ClientSecrets(config.tokenPepper);
  const artifactKeys = new ArtifactKeys(config.tokenPepper);
  const artifacts = createArtifactStorage({
    payloads,
    applications: applicationStore,
    redis: redis && redisBreaker ? { client: redis, guard: redisBreaker } : null,
    redisKeyPrefix: config.redisKeyPrefix,
    revocations,
    keys: artifactKeys,
    anonymousSessions: new AnonymousSessionCookie(logger),
  });
  const oidc = createOidcProvider({
    pages: providerPages,
    config,
    logger,
    scopes,
    users,
    artifacts,
    clientSecrets,
    signingKeys,
    existingGrantId: async (accountId, clientId) => (await payloads.latestGrant(accountId, clientId, clock()))?.id,
  });
  const applications = new ApplicationService(applicationStore, payloads, clientSecrets, scopes, revocations, clock, securityLog);
  const authorizations = new AuthorizationService(payloads, applicationStore, providerGrants(oidc), clock, securityLog);

  // Introspection: every token kind behind one chain. PATs first: their prefix and checksum make
  // the claim exact; provider tokens are 43 opaque characters.
  const oidcTokens = providerTokens(oidc);
  const introspector = new IntrospectorChain([
    new PatIntrospector(
      patFormat,
      patStore,
      userStore,
      revocationCache,
      clock,
      logger,
      metrics.tokenCache('personal_access_token'),
      pats.usePolicy,
      { reuseDetected: (pat) => pats.reuseDetected(pat.id), idleExpired: (pat) => pats.idleExpired(pat.id) },
    ),
    new OAuthTokenIntrospector('access_token', oidcTokens, userStore, revocationCache, clock, artifactKeys, metrics.tokenCache('access_token')),
    new OAuthTokenIntrospector('refresh_token', oidcTokens, userStore, revocationCache, clock, artifactKeys, metrics.tokenCache('refresh_token')),
  ]);
  const introspectionCallers = new ApplicationIntrospectionCallers(applicationStore, clientSecrets, revocationCache, metrics.tokenCache('introspection_caller'));
  const introspectionResponder = new IntrospectionResponder(config.issuer, introspectionJwtSigner(signingKeys), clock);

  const tokenAuthThrottle = new TokenAuthThrottle(limiterStore, config.tokenAuth);
  // Leaked tokens: revoked through the same paths as everything else.
  const leakedTokens = new LeakedTokens(pats, (token) => patFormat.isWellFormed(token), providerTokenControl(oidc), securityLog, clock, users);

  // Operations.
  const readiness = new Readiness(dataSource, redis ? revocationCache : null);
  metrics.watchReadiness(readiness);
  const cleanup = new CleanupService(
    [
      // Kept a little past expiry, so the provider can still answer "expired" (see SqlAdapter).
      { name: 'oidc_payloads', deleteExpired: (now, limit) => payloads.deleteExpired(new Date(now.getTime() - EXPIRY_GRACE_SECONDS * 1000), limit) },
      { name: 'web_sessions', deleteExpired: (now, limit) => webSessionStore.deleteExpired(now, limit) },
      securityLog.retention(config.securityLogRetentionDays),
      // Not a purge: tokens unused for PAT_MAX_IDLE_DAYS are revoked (and their owners told); they stay listed.
      ...(config.patMaxIdleDays > 0 ? [{ name: 'idle_personal_access_tokens', deleteExpired: (now: Date, limit: number) => pats.revokeIdle(now, limit) }] : []),
    ],
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
    webSessions: new WebSessionService(webSessionStore, users, clock),
    oidc,
    applications,
    authorizations,
    signingKeys,
    artifactKeys,
    introspector,
    introspectionCallers,
    tokenAuthThrottle,
    tokenAuth: { introspector, throttle: tokenAuthThrottle, dpop: new DpopProofs(dpopReplay(oidc), clock), origin: new URL(config.issuer).origin },
    introspectionResponder,
    leakedTokens,
    leakReportThrottle: new LeakReportThrottle(limiterStore, config.leakReportsPerHour),
    githubScanningKeys,
    securityLog,
    notifications,
    cleanup,
    metrics,
    readiness,
    async close() {
      notifications.close();
      redisBreaker?.close();
      await revocationCache.close();
      redis?.disconnect();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
