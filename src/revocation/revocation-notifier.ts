import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { RevocationCache } from './revocation-cache.js';
import { clientRevocationKey, grantRevocationKey, oauthTokenRevocationKey, patRevocationKey, userRevocationKey } from './revocation-keys.js';

/**
 * How long a revocation marker lives at most. It must outlive any cached copy of the token
 * (CACHED_RECORD_TTL_MS); after that the database answers for it anyway.
 */
export const MARKER_TTL_SECONDS = 300;

/**
 * One stored OAuth artifact that stopped being usable before its natural end: destroyed,
 * consumed (a code, a rotated refresh token) or revoked with its grant or its app. `id` is the
 * storage key (ArtifactKeys); `expiresAt` is when it would have expired anyway (null = unknown),
 * so the marker lives no longer than needed.
 */
export interface RevokedArtifact {
  model: string;
  id: string;
  expiresAt: Date | null;
}

/** The provider models introspection answers for, by their revocation key. */
const TOKEN_MODELS = new Set(['AccessToken', 'ClientCredentials', 'RefreshToken']);

/**
 * What every service and the provider's storage adapter call after changing something a cache
 * may hold, once MySQL holds the change. The one way in to the revocation cache, so every
 * instance sees the change at once. Failures are logged, never thrown (MySQL holds the truth).
 */
export interface Revocations {
  /** A personal access token (by digest) is dead: deleted, revoked or replaced. */
  patRevoked(digest: string, expiresAt: Date | null): Promise<void>;
  /** A PAT lives on, but its scopes or allowlist changed: caches re-read it. */
  patChanged(digest: string, expiresAt: Date | null): Promise<void>;
  /** OAuth artifacts removed from storage: tokens and grants get markers; codes, sessions and the like need none. */
  artifactsRemoved(removed: readonly RevokedArtifact[]): Promise<void>;
  /** An app's secret or permissions changed: introspection callers re-read it. */
  clientChanged(clientId: string): Promise<void>;
  /** An app is gone: every token issued to it, and the app as an introspection caller, are dead. */
  clientDeleted(clientId: string): Promise<void>;
  /** A user is gone: every token acting for them is dead. */
  userDeleted(userId: number): Promise<void>;
}

/**
 * Revocations over the shared revocation cache: each fact becomes a marker (`revoke`) or a
 * generation bump (`bump`) under its key (revocation-keys.ts), with a TTL no longer than the
 * thing's remaining life.
 */
export class RevocationNotifier implements Revocations {
  constructor(
    private readonly cache: RevocationCache,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  patRevoked(digest: string, expiresAt: Date | null): Promise<void> {
    return this.record('revoke', patRevocationKey(digest), expiresAt);
  }

  patChanged(digest: string, expiresAt: Date | null): Promise<void> {
    return this.record('bump', patRevocationKey(digest), expiresAt);
  }

  async artifactsRemoved(removed: readonly RevokedArtifact[]): Promise<void> {
    for (const { model, id, expiresAt } of removed) {
      if (TOKEN_MODELS.has(model)) await this.record('revoke', oauthTokenRevocationKey(id), expiresAt);
      else if (model === 'Grant') await this.record('revoke', grantRevocationKey(id), expiresAt);
    }
  }

  clientChanged(clientId: string): Promise<void> {
    return this.record('bump', clientRevocationKey(clientId), null);
  }

  clientDeleted(clientId: string): Promise<void> {
    return this.record('revoke', clientRevocationKey(clientId), null);
  }

  userDeleted(userId: number): Promise<void> {
    return this.record('revoke', userRevocationKey(userId), null);
  }

  private async record(action: 'revoke' | 'bump', key: string, expiresAt: Date | null): Promise<void> {
    const remaining = expiresAt ? Math.ceil((expiresAt.getTime() - this.clock().getTime()) / 1000) : Infinity;
    const ttl = Math.min(remaining, MARKER_TTL_SECONDS);
    if (ttl <= 0) return;
    try {
      await this.cache[action](key, ttl);
    } catch (err) {
      // MySQL already holds the truth; instances that cannot reach Redis read MySQL instead, and
      // the marker is written again once Redis answers (RedisRevocationCache).
      this.logger.error({ err, key: key.slice(0, 12) }, 'revocation marker not confirmed by the revocation cache; recorded in the database, sent again when Redis answers');
    }
  }
}
