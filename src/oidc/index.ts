import type { Redis } from 'ioredis';
import type Provider from 'oidc-provider';
import type { DataSource } from 'typeorm';
import type { Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { RedisGuard } from '../redis/redis-breaker.js';
import type { ScopeRegistry } from '../scopes/scope-registry.js';
import { ApplicationService, type ClientChangeHook } from '../services/application-service.js';
import { AuthorizationService } from '../services/authorization-service.js';
import type { ExpiringRows } from '../services/cleanup-service.js';
import type { UserService } from '../services/user-service.js';
import { TypeormApplicationStore } from '../stores/application-store.js';
import { OidcPayloadStore } from '../stores/oidc-payload-store.js';
import { AnonymousSessionCookie, ArtifactKeys, createArtifactStorage, EXPIRY_GRACE_SECONDS, RevocationReporter, type RevocationHook } from './adapter/index.js';
import { ClientSecrets } from './client-secret.js';
import { createOidcProvider } from './provider.js';
import { loadOrCreateSigningKeys, type SigningKeySet } from './signing-keys.js';

export interface OidcComponents {
  /** The oidc-provider instance (mounted last in app.ts). */
  oidc: Provider;
  applications: ApplicationService;
  /** The apps table, shared with the introspection endpoint's caller lookup. */
  applicationStore: TypeormApplicationStore;
  authorizations: AuthorizationService;
  clientSecrets: ClientSecrets;
  /**
   * Reports every OAuth artifact that stops being usable (destroyed, consumed, revoked with
   * its grant or its app). Set `oidcRevocations.hook` to forward those to a revocation cache.
   */
  oidcRevocations: RevocationReporter;
  /** The provider's private signing keys (also signing RFC 9701 introspection responses). */
  signingKeys: SigningKeySet;
  /**
   * The storage key of an OAuth artifact: `oidcArtifactKeys.of('AccessToken', token)` is the id
   * the revocation hook reports for that access token (likewise RefreshToken, …).
   */
  oidcArtifactKeys: ArtifactKeys;
  /** The provider's expired rows (every model), for CleanupService. */
  expiredOidcRows: ExpiringRows;
  /** Signs an account out of the authorization server (its stored provider sessions end; grants and tokens stay). */
  endProviderSessions(accountId: string): Promise<void>;
}

export interface OidcDependencies {
  config: Config;
  logger: Logger;
  clock: Clock;
  dataSource: DataSource;
  redis: Redis | null;
  /** The instance's Redis breaker (with `redis`): provider artifacts fail fast while Redis is stalled. */
  redisGuard: RedisGuard | null;
  scopes: ScopeRegistry;
  users: UserService;
  onRevoked?: RevocationHook;
  /** Told when an app's secret or permissions change or it is deleted (see ClientChangeHook). */
  onClientChanged?: ClientChangeHook;
}

/** Wires the authorization server: signing keys, stores, provider and the OAuth services. */
export async function createOidcComponents(d: OidcDependencies): Promise<OidcComponents> {
  const signingKeys = await loadOrCreateSigningKeys(d.config.jwks, d.config.dataDir);
  const applicationStore = new TypeormApplicationStore(d.dataSource);
  const payloads = new OidcPayloadStore(d.dataSource);
  const clientSecrets = new ClientSecrets(d.config.tokenPepper);
  const oidcRevocations = new RevocationReporter(d.logger, d.onRevoked);
  const oidcArtifactKeys = new ArtifactKeys(d.config.tokenPepper);
  const artifacts = createArtifactStorage({
    payloads,
    applications: applicationStore,
    redis: d.redis && d.redisGuard ? { client: d.redis, guard: d.redisGuard } : null,
    redisKeyPrefix: d.config.redisKeyPrefix,
    revocations: oidcRevocations,
    keys: oidcArtifactKeys,
    anonymousSessions: new AnonymousSessionCookie(d.logger),
  });
  const oidc = createOidcProvider({
    config: d.config,
    logger: d.logger,
    scopes: d.scopes,
    users: d.users,
    artifacts,
    clientSecrets,
    signingKeys,
    existingGrantId: async (accountId, clientId) => (await payloads.latestGrant(accountId, clientId, d.clock()))?.id,
  });
  return {
    oidc,
    applicationStore,
    applications: new ApplicationService(applicationStore, payloads, clientSecrets, d.scopes, oidcRevocations, d.clock, d.onClientChanged),
    authorizations: new AuthorizationService(payloads, applicationStore, artifacts.revokeGrant, d.clock),
    clientSecrets,
    oidcRevocations,
    signingKeys,
    oidcArtifactKeys,
    expiredOidcRows: {
      name: 'oidc_payloads',
      // Kept a little past expiry, so the provider can still answer "expired" (see SqlAdapter).
      deleteExpired: (now, limit) => payloads.deleteExpired(new Date(now.getTime() - EXPIRY_GRACE_SECONDS * 1000), limit),
    },
    async endProviderSessions(accountId) {
      await payloads.deleteSessionsOf(accountId);
    },
  };
}
