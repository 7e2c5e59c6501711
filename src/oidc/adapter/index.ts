import type { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import type { RedisGuard } from '../../redis/redis-breaker.js';
import type { ApplicationStore } from '../../stores/application-store.js';
import type { OidcPayloadStore } from '../../stores/oidc-payload-store.js';
import type { Revocations } from '../../revocation/revocation-notifier.js';
import { SHORT_LIVED_MODELS } from './models.js';
import type { AnonymousSessionCookie } from './anonymous-session-cookie.js';
import type { ArtifactKeys } from '../../tokens/format/artifact-keys.js';
import { ClientAdapter } from './client-adapter.js';
import { RedisAdapter } from './redis-adapter.js';
import { SessionAdapter } from './session-adapter.js';
import { treatAsReuse } from './single-use.js';
import { SqlAdapter } from './sql-adapter.js';

export { EXPIRY_GRACE_SECONDS } from './models.js';
export { ArtifactKeys } from '../../tokens/format/artifact-keys.js';
export { AnonymousSessionCookie } from './anonymous-session-cookie.js';

export interface ArtifactStorageOptions {
  payloads: OidcPayloadStore;
  applications: ApplicationStore;
  /** Short-lived artifacts go here when set (every call through the guard); otherwise to the database too. */
  redis: { client: Redis; guard: RedisGuard } | null;
  redisKeyPrefix: string;
  /** Told about every destroyed, consumed or grant-revoked artifact, so every instance's caches hear of it. */
  revocations: Pick<Revocations, 'artifactsRemoved'>;
  /** Names stored artifacts by a digest of their id (which is the token itself). */
  keys: ArtifactKeys;
  /** Where sessions nobody signed in to live instead of storage (see SessionAdapter). */
  anonymousSessions: AnonymousSessionCookie;
}

/** Where oidc-provider's artifacts live. */
export interface ArtifactStorage {
  /** oidc-provider's `adapter` option: the adapter for one model. */
  adapterFor(model: string): Adapter;
}

/**
 * Client → the apps table; short-lived models → Redis (if any); signed-out sessions → the
 * browser's cookie; everything else → MySQL/SQLite. Instances hold no state of their own, so any
 * number of Tessera processes can share one database and Redis. One adapter per model, made on
 * first use.
 */
export function createArtifactStorage(options: ArtifactStorageOptions): ArtifactStorage {
  const { payloads, applications, redis, redisKeyPrefix, revocations, keys, anonymousSessions } = options;
  const report = (removed: Parameters<Revocations['artifactsRemoved']>[0]) => revocations.artifactsRemoved(removed);
  const onReuse = treatAsReuse();
  const clients = new ClientAdapter(applications);
  const adapters = new Map<string, Adapter>();

  function create(model: string): Adapter {
    if (redis && SHORT_LIVED_MODELS.has(model)) return new RedisAdapter(model, redis.client, redis.guard, redisKeyPrefix, report, keys, onReuse);
    const stored = new SqlAdapter(model, payloads, report, keys, onReuse);
    return model === 'Session' ? new SessionAdapter(stored, anonymousSessions) : stored;
  }

  function adapterFor(model: string): Adapter {
    if (model === 'Client') return clients;
    let adapter = adapters.get(model);
    if (!adapter) {
      adapter = create(model);
      adapters.set(model, adapter);
    }
    return adapter;
  }

  return { adapterFor };
}
