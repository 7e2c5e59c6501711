import type { Clock } from '../../clock.js';
import type { PersonalAccessToken } from '../../entities/index.js';
import type { Logger } from '../../logger.js';
import type { RevocationCache } from '../../revocation/revocation-cache.js';
import { patRevocationKey, userRevocationKey } from '../../revocation/revocation-keys.js';
import { DigestMemo } from '../../security/digest-memo.js';
import { canonicalIp, ipAllowed } from '../../security/ip-allowlist.js';
import type { PatStore } from '../../stores/pat-store.js';
import type { UserStore } from '../../stores/user-store.js';
import type { PatFormat } from '../format/pat-format.js';
import { ownerOf, type ActiveToken, type IntrospectionContext, type TokenIntrospector, type TokenOwner } from './active-token.js';
import { RevalidatedCache, type LookupMetrics } from './revalidated-cache.js';

/** last_used_at is written at most this often per token, so verification stays cheap. */
export const LAST_USED_THROTTLE_MS = 60_000;

/**
 * Answers for personal access tokens: an I/O-free shape check (prefix, length, checksum),
 * then the digest lookup — from memory when warm, re-validated against the revocation
 * cache — then state and IP allowlist.
 */
export class PatIntrospector implements TokenIntrospector {
  readonly kind = 'personal_access_token' as const;
  private readonly cache: RevalidatedCache<{ pat: PersonalAccessToken; owner: TokenOwner }>;
  private readonly digests: DigestMemo;

  constructor(
    private readonly format: PatFormat,
    private readonly pats: Pick<PatStore, 'findByDigest' | 'touchLastUsed'>,
    private readonly users: Pick<UserStore, 'findById'>,
    revocations: RevocationCache,
    private readonly clock: Clock,
    private readonly logger: Logger,
    lookups?: LookupMetrics,
  ) {
    this.cache = new RevalidatedCache(revocations, undefined, lookups);
    this.digests = new DigestMemo((token) => format.digest(token));
  }

  claims(token: string): boolean {
    return this.format.isWellFormed(token);
  }

  remembers(token: string): boolean {
    return !!this.cache.peek(patRevocationKey(this.digests.of(token)));
  }

  introspect(token: string, context: IntrospectionContext): Promise<ActiveToken | null> {
    const digest = this.digests.of(token);
    return this.cache
      .get(patRevocationKey(digest), () => this.load(digest), ({ pat }) => [userRevocationKey(pat.userId)])
      .then((found) => this.answer(found, context));
  }

  /** State, expiry and IP allowlist decide; a use is recorded. */
  private answer(found: { pat: PersonalAccessToken; owner: TokenOwner } | null, context: IntrospectionContext): ActiveToken | null {
    const now = this.clock();
    if (!found || !isActive(found.pat, now)) return null;
    const { pat, owner } = found;
    if (pat.ipAllowlist?.length && !ipAllowed(pat.ipAllowlist, context.ip)) return null;
    this.recordUse(pat, context.ip, now);
    return {
      kind: this.kind,
      userId: pat.userId,
      username: owner.username,
      owner,
      scopes: pat.scopes,
      issuedAt: pat.createdAt,
      expiresAt: pat.expiresAt,
      patId: pat.id,
      impersonation: pat.impersonation,
    };
  }

  /** The record and its owner's profile (so the warm path needs no user lookup either). */
  private async load(digest: string): Promise<{ pat: PersonalAccessToken; owner: TokenOwner } | null> {
    const pat = await this.pats.findByDigest(digest);
    const owner = pat && (await this.users.findById(pat.userId));
    return pat && owner ? { pat, owner: ownerOf(owner) } : null;
  }

  /** Fire-and-forget, throttled: a slow write must not slow the answer. */
  private recordUse(pat: PersonalAccessToken, ip: string | undefined, now: Date): void {
    if (pat.lastUsedAt && now.getTime() - pat.lastUsedAt.getTime() < LAST_USED_THROTTLE_MS) return;
    // Updating the (possibly cached) record keeps other requests in this minute from writing too.
    pat.lastUsedAt = now;
    this.pats.touchLastUsed(pat.id, canonicalIp(ip), now, LAST_USED_THROTTLE_MS).catch((err: unknown) => {
      this.logger.warn({ err, patId: pat.id }, 'could not record token use');
    });
  }
}

/** Not revoked and not expired. */
export function isActive(pat: Pick<PersonalAccessToken, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return !pat.revokedAt && (!pat.expiresAt || pat.expiresAt.getTime() > now.getTime());
}
