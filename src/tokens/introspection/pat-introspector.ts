import type { Clock } from '../../clock.js';
import type { PersonalAccessToken } from '../../entities/index.js';
import type { Logger } from '../../logger.js';
import type { RevocationCache } from '../../revocation/revocation-cache.js';
import { patRevocationKey, userRevocationKey } from '../../revocation/revocation-keys.js';
import { DigestMemo } from '../../security/digest-memo.js';
import { canonicalIp, ipAllowed } from '../../security/ip-allowlist.js';
import { tokensEqual } from '../../security/tokens-equal.js';
import { withAddress, type PatStore } from '../../stores/pat-store.js';
import type { UserStore } from '../../stores/user-store.js';
import type { PatFormat } from '../format/pat-format.js';
import { ownerOf, type ActiveToken, type IntrospectionContext, type TokenIntrospector, type TokenOwner } from './active-token.js';
import { RevalidatedCache, type LookupMetrics } from './revalidated-cache.js';

/** last_used_at is written at most this often per token (and address), so verification stays cheap. */
export const LAST_USED_THROTTLE_MS = 60_000;

const DAY_MS = 86_400_000;

/** The rules applied at every use, not only at creation (PAT_MAX_LIFETIME_DAYS, PAT_MAX_IDLE_DAYS); 0 = none. */
export interface PatUsePolicy {
  maxLifetimeDays: number;
  maxIdleDays: number;
}

export const NO_USE_POLICY: PatUsePolicy = { maxLifetimeDays: 0, maxIdleDays: 0 };

/**
 * What the introspector asks of the PAT use cases when a use reveals something (implemented by
 * PatService, wired in container.ts): each resolves once the token is revoked everywhere.
 */
export interface PatUseReactions {
  /** A rotated-away secret presented after its grace period: the whole token is revoked. */
  reuseDetected(pat: PersonalAccessToken): Promise<void>;
  /** Unused for PAT_MAX_IDLE_DAYS: revoked, the owner told through the security log. */
  idleExpired(pat: PersonalAccessToken): Promise<void>;
}

/** A record as read for one digest: whether that digest is the record's previous (rotated-away) secret is decided once, at the read. */
interface Loaded {
  pat: PersonalAccessToken;
  owner: TokenOwner;
  rotatedAway: boolean;
}

/** Where a token record stands now under the use policy. */
export type PatStanding = 'active' | 'revoked' | 'expired' | 'max_lifetime' | 'idle';

/** When the current secret stops working: its own expiry, or earlier under PAT_MAX_LIFETIME_DAYS. */
export function effectiveExpiry(pat: Pick<PersonalAccessToken, 'expiresAt' | 'createdAt' | 'secretIssuedAt'>, policy: PatUsePolicy): Date | null {
  if (policy.maxLifetimeDays <= 0) return pat.expiresAt;
  const cap = (pat.secretIssuedAt ?? pat.createdAt).getTime() + policy.maxLifetimeDays * DAY_MS;
  return pat.expiresAt && pat.expiresAt.getTime() <= cap ? pat.expiresAt : new Date(cap);
}

/** The record's standing at `now`: revoked, expired, beyond the maximum lifetime, idle too long, or active. */
export function patStanding(
  pat: Pick<PersonalAccessToken, 'revokedAt' | 'expiresAt' | 'createdAt' | 'secretIssuedAt' | 'lastUsedAt'>,
  now: Date,
  policy: PatUsePolicy,
): PatStanding {
  if (pat.revokedAt) return 'revoked';
  const t = now.getTime();
  if (pat.expiresAt && pat.expiresAt.getTime() <= t) return 'expired';
  const expiry = effectiveExpiry(pat, policy);
  if (expiry && expiry.getTime() <= t) return 'max_lifetime';
  if (policy.maxIdleDays > 0) {
    const lastSeen = Math.max(pat.lastUsedAt?.getTime() ?? 0, pat.secretIssuedAt?.getTime() ?? 0, pat.createdAt.getTime());
    if (lastSeen + policy.maxIdleDays * DAY_MS <= t) return 'idle';
  }
  return 'active';
}

/**
 * Answers for personal access tokens: an I/O-free shape check (prefix, length, checksum),
 * then the digest lookup — from memory when warm, re-validated against the revocation
 * cache — then state and IP allowlist.
 */
export class PatIntrospector implements TokenIntrospector {
  readonly kind = 'personal_access_token' as const;
  private readonly cache: RevalidatedCache<Loaded>;
  private readonly digests: DigestMemo;

  constructor(
    private readonly format: PatFormat,
    private readonly pats: Pick<PatStore, 'findByDigest' | 'touchLastUsed'>,
    private readonly users: Pick<UserStore, 'findById'>,
    revocations: RevocationCache,
    private readonly clock: Clock,
    private readonly logger: Logger,
    lookups?: LookupMetrics,
    private readonly policy: PatUsePolicy = NO_USE_POLICY,
    private readonly reactions: PatUseReactions | null = null,
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

  /**
   * State, expiry (the lifetime policy included), rotation grace and IP allowlist decide; a use is
   * recorded. All from the record in hand: only a detected reuse or idle expiry does I/O (the revoke).
   */
  private answer(
    found: Loaded | null,
    context: IntrospectionContext,
  ): ActiveToken | null | Promise<null> {
    if (!found || found.pat.revokedAt) return null;
    const now = this.clock();
    const { pat, owner, rotatedAway } = found;
    if (rotatedAway && (!pat.graceEndsAt || pat.graceEndsAt.getTime() <= now.getTime())) {
      context.refusal = 'reuse';
      return this.react(pat, now, 'reuseDetected');
    }
    const standing = patStanding(pat, now, this.policy);
    if (standing === 'idle') {
      context.refusal = 'idle';
      return this.react(pat, now, 'idleExpired');
    }
    if (standing !== 'active') {
      if (standing === 'max_lifetime') context.refusal = 'max_lifetime';
      return null;
    }
    if (pat.ipAllowlist?.length && !ipAllowed(pat.ipAllowlist, context.ip)) return null;
    this.recordUse(pat, context, now);
    const expiry = effectiveExpiry(pat, this.policy);
    return {
      kind: this.kind,
      userId: pat.userId,
      username: owner.username,
      owner,
      scopes: pat.scopes,
      issuedAt: rotatedAway ? pat.createdAt : (pat.secretIssuedAt ?? pat.createdAt),
      // A rotated-away secret ends with its grace period (the Tessera-Token-Expiration header says so).
      expiresAt: rotatedAway && (!expiry || pat.graceEndsAt!.getTime() < expiry.getTime()) ? pat.graceEndsAt : expiry,
      patId: pat.id,
      impersonation: pat.impersonation,
      rotated: rotatedAway,
    };
  }

  /**
   * Revokes the token through the use cases and answers inactive once they are done, so the next
   * request anywhere finds it revoked. Marked revoked in memory first: one reaction per instance.
   */
  private react(pat: PersonalAccessToken, now: Date, reaction: keyof PatUseReactions): Promise<null> | null {
    pat.revokedAt = now;
    if (!this.reactions) return null;
    return this.reactions[reaction](pat).then(
      () => null,
      (err: unknown) => {
        this.logger.error({ err, patId: pat.id }, `could not revoke the token (${reaction})`);
        return null;
      },
    );
  }

  /** The record and its owner's profile (so the warm path needs no user lookup either). */
  private async load(digest: string): Promise<Loaded | null> {
    const pat = await this.pats.findByDigest(digest);
    const owner = pat && (await this.users.findById(pat.userId));
    // Found by digest, so a record whose current digest differs was found by its previous one.
    return pat && owner ? { pat, owner: ownerOf(owner), rotatedAway: !tokensEqual(pat.tokenDigest, digest) } : null;
  }

  /** Fire-and-forget, throttled per token and address: a slow write must not slow the answer. */
  private recordUse(pat: PersonalAccessToken, context: IntrospectionContext, now: Date): void {
    const ip = canonicalIp(context.ip);
    const knownIp = !ip || !!pat.lastUsedIps?.some((e) => e.ip === ip);
    if (knownIp && pat.lastUsedAt && now.getTime() - pat.lastUsedAt.getTime() < LAST_USED_THROTTLE_MS) return;
    // Updating the (possibly cached) record keeps other requests in this minute from writing too.
    pat.lastUsedAt = now;
    if (ip) pat.lastUsedIps = withAddress(pat.lastUsedIps, ip, now);
    this.pats.touchLastUsed(pat.id, { ip, userAgent: context.userAgent }, now, LAST_USED_THROTTLE_MS).catch((err: unknown) => {
      this.logger.warn({ err, patId: pat.id }, 'could not record token use');
    });
  }
}

/** Not revoked and not expired. */
export function isActive(pat: Pick<PersonalAccessToken, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return !pat.revokedAt && (!pat.expiresAt || pat.expiresAt.getTime() > now.getTime());
}

/** A record's state by its own revocation and expiry (not the use policy): what lists and the token API show. */
export function patStatus(pat: Pick<PersonalAccessToken, 'revokedAt' | 'expiresAt'>, now: Date): 'active' | 'expired' | 'revoked' {
  if (pat.revokedAt) return 'revoked';
  return isActive(pat, now) ? 'active' : 'expired';
}
