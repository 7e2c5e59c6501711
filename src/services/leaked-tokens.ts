import type { PersonalAccessToken, User } from '../entities/index.js';
import { notFound } from '../errors.js';
import { hashedToken } from '../tokens/format/hashed-token.js';
import type { Acting, PatService } from './pat-service.js';
import type { RequestOrigin, SecurityLog } from './security-log.js';

/** The provider's token kinds a leak report or an administrator may name. */
export type ProviderTokenKind = 'access_token' | 'refresh_token';

/** One of the provider's tokens as an administrator sees it (never its value). */
export interface ProviderTokenInfo {
  kind: ProviderTokenKind;
  accountId?: string;
  clientId?: string;
  grantId?: string;
  scope: string;
  /** Seconds since the epoch. */
  iat?: number;
  exp?: number;
  /** Not consumed (a rotated refresh token is not) and not expired. */
  active: boolean;
}

/**
 * The provider's access and refresh tokens, found and revoked through its public models
 * (src/oidc/provider-tokens.ts); services never reach the provider itself.
 */
export interface ProviderTokenControl {
  /** The I/O-free shape test: could this string be one of the provider's opaque tokens? */
  claims(value: string): boolean;
  /** The token, expired or consumed ones included; null when there is none. */
  describe(value: string): Promise<ProviderTokenInfo | null>;
  /** Revokes it as the provider's revocation endpoint does: the token, then its grant. */
  revoke(value: string): Promise<void>;
}

/** Where a leak report came from (the security log's `details.source`). */
export interface LeakSource {
  source: 'api' | 'github_secret_scanning';
  origin?: RequestOrigin;
}

/** A string reported as a leaked token, and where it was found when the reporter says (GitHub's `url`). */
export interface FoundToken {
  token: string;
  url?: string;
}

/** What a reported string turned out to be: only the caller of a signed report (GitHub) is told. */
export type LeakOutcome = 'revoked' | 'inactive' | 'unknown';

/** Any token an administrator holds, identified (GitLab's token information API). */
export type IdentifiedToken =
  | { kind: 'personal_access_token' | 'impersonation_token'; pat: PersonalAccessToken; owner: User | null; now: Date }
  | { kind: ProviderTokenKind; token: ProviderTokenInfo; owner: User | null; now: Date };

/**
 * Tokens somebody found where they should not be (an unauthenticated report, GitHub secret
 * scanning), and tokens an administrator holds: what they are, and revoking them through the
 * normal revocation paths, so every instance sees it at once. Malformed strings are dropped by
 * their shape (a PAT's prefix and checksum, the provider's opaque format) before any lookup.
 */
export class LeakedTokens {
  constructor(
    private readonly pats: Pick<PatService, 'findByToken' | 'revokeByToken'>,
    private readonly isWellFormedPat: (token: string) => boolean,
    private readonly provider: ProviderTokenControl,
    private readonly log: Pick<SecurityLog, 'record'>,
    private readonly clock: () => Date,
    private readonly users: { findById(id: number): Promise<User | null> },
  ) {}

  /**
   * Revokes every real, active token among `found`; one outcome per entry, in order. One string
   * at a time: a report of a thousand well-formed strings must not take every database connection.
   */
  async report(found: readonly FoundToken[], from: LeakSource): Promise<LeakOutcome[]> {
    const outcomes = new Map<string, LeakOutcome>();
    for (const { token, url } of found) if (!outcomes.has(token)) outcomes.set(token, await this.reportOne(token, url, from));
    return found.map(({ token }) => outcomes.get(token)!);
  }

  /** An administrator's look at any token; 404 when it is no token of Tessera's. */
  async identify(token: string): Promise<IdentifiedToken> {
    if (this.isWellFormedPat(token)) {
      const pat = await this.pats.findByToken(token);
      if (pat) return { kind: pat.impersonation ? 'impersonation_token' : 'personal_access_token', pat, owner: await this.users.findById(pat.userId), now: this.clock() };
    }
    if (this.provider.claims(token)) {
      const found = await this.provider.describe(token);
      const userId = found && found.accountId !== undefined ? Number(found.accountId) : NaN;
      const owner = Number.isSafeInteger(userId) ? await this.users.findById(userId) : null;
      if (found) return { kind: found.kind, token: found, owner, now: this.clock() };
    }
    throw notFound('token');
  }

  /** An administrator revokes any token they hold; 404 when it is no token of Tessera's. */
  async revokeAsAdmin(token: string, admin: Pick<User, 'id' | 'username'>, origin?: RequestOrigin): Promise<void> {
    const identified = await this.identify(token);
    if (identified.kind === 'access_token' || identified.kind === 'refresh_token') {
      if (identified.token.active) await this.revokeProviderToken(token, identified.token, { actor: admin, origin }, 'admin');
      return;
    }
    await this.pats.revokeByToken(token, 'admin', { actor: admin, origin });
  }

  private async reportOne(token: string, url: string | undefined, from: LeakSource): Promise<LeakOutcome> {
    const details = { reason: 'leak_report', source: from.source, ...(url ? { url: url.slice(0, 500) } : {}) };
    if (this.isWellFormedPat(token)) {
      const found = await this.pats.revokeByToken(token, 'leak_report', { origin: from.origin });
      if (found && !found.revoked) return 'inactive';
      if (found) {
        const { pat } = found;
        await this.log.record({
          action: 'token.leak_reported',
          user: { id: pat.userId, username: null },
          token: { id: pat.id, kind: 'personal_access_token', hashedToken: pat.hashedToken },
          origin: from.origin,
          details: { ...details, impersonation: pat.impersonation },
        });
        return 'revoked';
      }
      // Not a PAT after all: a prefix of 7 characters makes a PAT as long as the provider's tokens.
    }
    if (!this.provider.claims(token)) return 'unknown';
    const found = await this.provider.describe(token);
    if (!found) return 'unknown';
    if (!found.active) return 'inactive';
    await this.revokeProviderToken(token, found, { origin: from.origin }, 'leak_report');
    await this.log.record({ action: 'token.leak_reported', ...this.entryAbout(token, found), origin: from.origin, details });
    return 'revoked';
  }

  private async revokeProviderToken(token: string, found: ProviderTokenInfo, by: Acting, reason: string): Promise<void> {
    await this.provider.revoke(token);
    await this.log.record({ action: 'token.revoked', ...this.entryAbout(token, found), actor: by.actor ?? null, origin: by.origin, details: { reason, grant_id: found.grantId ?? null } });
  }

  private entryAbout(token: string, found: ProviderTokenInfo) {
    const userId = found.accountId !== undefined ? Number(found.accountId) : NaN;
    return {
      user: Number.isSafeInteger(userId) ? { id: userId, username: null } : null,
      token: { kind: found.kind, hashedToken: hashedToken(token) },
      clientId: found.clientId,
    };
  }
}
