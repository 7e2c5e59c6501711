import type { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import type { ApplicationStore } from '../../stores/application-store.js';
import type { OidcPayloadStore } from '../../stores/oidc-payload-store.js';
import { SHORT_LIVED_MODELS, type RevocationReporter } from './adapter-hooks.js';
import type { AnonymousSessionCookie } from './anonymous-session-cookie.js';
import type { ArtifactKeys } from './artifact-keys.js';
import { ClientAdapter } from './client-adapter.js';
import { RedisAdapter } from './redis-adapter.js';
import { SessionAdapter } from './session-adapter.js';
import { SqlAdapter } from './sql-adapter.js';

export { EXPIRY_GRACE_SECONDS, RevocationReporter, type RevocationHook, type RevokedArtifact } from './adapter-hooks.js';
export { ArtifactKeys } from './artifact-keys.js';
export { AnonymousSessionCookie } from './anonymous-session-cookie.js';

export interface AdapterFactoryOptions {
  payloads: OidcPayloadStore;
  applications: ApplicationStore;
  /** Short-lived artifacts go here when set; otherwise to the database too. */
  redis: Redis | null;
  redisKeyPrefix: string;
  /** Told about every destroyed, consumed or grant-revoked artifact (see RevocationHook). */
  revocations: RevocationReporter;
  /** Names stored artifacts by a digest of their id (which is the token itself). */
  keys: ArtifactKeys;
  /** Where sessions nobody signed in to live instead of storage (see SessionAdapter). */
  anonymousSessions: AnonymousSessionCookie;
}

/**
 * Builds oidc-provider's `adapter` factory: Client → the apps table; short-lived models →
 * Redis (if any); signed-out sessions → the browser's cookie; everything else → MySQL/SQLite. Instances hold no state of their own, so
 * any number of Tessera processes can share one database and Redis.
 */
export function createAdapterFactory(options: AdapterFactoryOptions): (model: string) => Adapter {
  const { payloads, applications, redis, redisKeyPrefix, revocations, keys, anonymousSessions } = options;
  const report = (removed: Parameters<RevocationReporter['report']>[0]) => revocations.report(removed);
  const clients = new ClientAdapter(applications);
  return function adapterFor(model: string): Adapter {
    if (model === 'Client') return clients;
    if (redis && SHORT_LIVED_MODELS.has(model)) return new RedisAdapter(model, redis, redisKeyPrefix, report, keys);
    const stored = new SqlAdapter(model, payloads, report, keys);
    return model === 'Session' ? new SessionAdapter(stored, anonymousSessions) : stored;
  };
}
