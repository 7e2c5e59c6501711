import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { RevocationCache } from './revocation-cache.js';
import { patRevocationKey } from './revocation-keys.js';

/**
 * How long a revocation marker lives at most. It must outlive any cached copy of the token
 * (VERIFIED_TOKEN_TTL_MS); after that the database answers for it anyway.
 */
export const MARKER_TTL_SECONDS = 300;

/**
 * What services call after changing a token in MySQL. Records the fact in the shared
 * revocation cache, with a TTL no longer than the token's remaining life.
 */
export class RevocationNotifier {
  constructor(
    private readonly cache: RevocationCache,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The token (by digest) is dead: deleted, revoked or replaced. */
  tokenRevoked(digest: string, expiresAt: Date | null): Promise<void> {
    return this.record('revoke', patRevocationKey(digest), expiresAt);
  }

  /** The token lives on but its scopes or allowlist changed. */
  tokenChanged(digest: string, expiresAt: Date | null): Promise<void> {
    return this.record('bump', patRevocationKey(digest), expiresAt);
  }

  /**
   * Any other revocation-cache key (see revocation-keys.ts): an OAuth token, a grant, a
   * client, a user. `expiresAt` bounds the marker's life; null = the longest (MARKER_TTL_SECONDS).
   */
  revoked(key: string, expiresAt: Date | null = null): Promise<void> {
    return this.record('revoke', key, expiresAt);
  }

  /** The record under `key` changed (e.g. a client's secret or permissions): caches re-read it. */
  changed(key: string, expiresAt: Date | null = null): Promise<void> {
    return this.record('bump', key, expiresAt);
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
