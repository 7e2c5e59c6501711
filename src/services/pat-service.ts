import type { Clock } from '../clock.js';
import { LATEST_STORABLE_DATE, LATEST_STORABLE_TIME } from '../entities/columns.js';
import type { PersonalAccessToken, SecurityEventDetails, User } from '../entities/index.js';
import { asBackendUnavailable, invalidField, invalidRequest, message, notFound } from '../errors.js';
import type { Revocations } from '../revocation/revocation-notifier.js';
import type { ScopeRegistry } from '../scopes/scope-registry.js';
import { normaliseAllowlistEntry } from '../security/ip-allowlist.js';
import type { PatListFilter, PatStore } from '../stores/pat-store.js';
import type { PatFormat } from '../tokens/format/pat-format.js';
import { hashedToken } from '../tokens/format/hashed-token.js';
import { isActive, type PatUsePolicy } from '../tokens/introspection/pat-introspector.js';
import type { AdminAudit } from './admin-audit.js';
import { CLI, type RequestOrigin, type SecurityAction, type SecurityLog } from './security-log.js';

const DAY_MS = 86_400_000;

/** When a token should expire: a number of days, a date, or never (null). */
export type ExpiryInput = { expiresInDays?: number; expiresAt?: Date | null };

export interface CreatePatInput extends ExpiryInput {
  name: string;
  description?: string | null;
  scopes: string[];
  ipAllowlist?: string[] | null;
}

/** A rotation: optionally a new lifetime, and how long the replaced secret keeps working. */
export interface RotateInput {
  expiresInDays?: number;
  /** 0–86400; 0 (the default): the replaced secret stops at once, and presenting it later is reuse. */
  graceSeconds?: number;
}

/** The longest grace period a rotation may give the replaced secret. */
export const MAX_GRACE_SECONDS = 86_400;

export type UpdatePatInput = Partial<Pick<CreatePatInput, 'name' | 'description' | 'scopes' | 'ipAllowlist'>>;

/** A token record plus its secret: returned only by create and regenerate. */
export interface PatWithSecret {
  pat: PersonalAccessToken;
  token: string;
}

export type PatListQuery = Omit<PatListFilter, 'userId' | 'now' | 'impersonation'>;

/** Which tokens of a user an operation sees: their own (personal) or admin-issued (impersonation). */
export type PatKind = 'personal' | 'impersonation';

/** Who acts on a token, and from where (for the security log). */
/** The token's owner as the log names them (the CLI's revoke knows only the id). */
type Owner = { id: number; username: string | null };

export interface Acting {
  actor?: Pick<User, 'id' | 'username'> | null;
  origin?: RequestOrigin;
}

/**
 * Personal access token use cases. Knows nothing of HTTP; every method is scoped
 * to one owner, so one user can never reach another's token.
 */
export class PatService {
  constructor(
    private readonly pats: PatStore,
    private readonly format: PatFormat,
    private readonly scopes: ScopeRegistry,
    private readonly revocations: Pick<Revocations, 'patRevoked' | 'patChanged'>,
    private readonly clock: Clock,
    private readonly maxLifetimeDays: number,
    private readonly audit: AdminAudit,
    private readonly log: Pick<SecurityLog, 'record'>,
    maxIdleDays = 0,
  ) {
    this.usePolicy = { maxLifetimeDays: maxLifetimeDays, maxIdleDays };
  }

  /** The rules applied at every use (the introspector's), for answers that say whether a token works. */
  readonly usePolicy: PatUsePolicy;

  async create(owner: User, input: CreatePatInput, kind: PatKind = 'personal', issuer?: User, origin?: RequestOrigin): Promise<PatWithSecret> {
    const now = this.clock();
    const scopes = this.scopes.validateForToken(input.scopes);
    const expiresAt = this.resolveExpiry(input, now);
    const ipAllowlist = normaliseAllowlist(input.ipAllowlist);
    const token = this.format.generate();
    const pat = await this.pats.create(
      {
        userId: owner.id,
        name: input.name,
        description: input.description ?? null,
        scopes,
        tokenDigest: this.format.digest(token),
        tokenLastFour: this.format.lastFour(token),
        hashedToken: hashedToken(token),
        impersonation: kind === 'impersonation',
        createdById: issuer?.id ?? null,
        ipAllowlist,
        expiresAt,
      },
      now,
    );
    if (kind === 'impersonation' && issuer) this.audit(issuer, owner, 'impersonation_token.create');
    await this.record(kind === 'impersonation' ? 'impersonation_token.created' : 'token.created', pat, owner, { actor: origin?.via === 'cli' ? null : (issuer ?? owner), origin }, {
      name: pat.name,
      scopes: pat.scopes,
      expires_at: pat.expiresAt?.toISOString() ?? null,
    });
    return { pat, token };
  }

  list(owner: User, query: PatListQuery, kind: PatKind = 'personal'): Promise<[PersonalAccessToken[], number]> {
    return this.pats.list({ ...query, userId: owner.id, impersonation: kind === 'impersonation', now: this.clock() });
  }

  async get(owner: User, id: number, kind: PatKind = 'personal'): Promise<PersonalAccessToken> {
    const pat = await this.pats.findForUser(owner.id, id);
    // Another user's id and a missing id look exactly the same.
    if (!pat || pat.impersonation !== (kind === 'impersonation')) throw notFound('token');
    return pat;
  }

  async update(owner: User, id: number, input: UpdatePatInput, origin?: RequestOrigin): Promise<PersonalAccessToken> {
    const pat = await this.get(owner, id);
    const changes: Parameters<PatStore['update']>[1] = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (input.scopes !== undefined) changes.scopes = this.scopes.validateForToken(input.scopes);
    if (input.ipAllowlist !== undefined) changes.ipAllowlist = normaliseAllowlist(input.ipAllowlist);
    const updated = await this.pats.update(pat, changes, this.clock());
    // Narrowed scopes or allowlist must bite at once on every instance, on a secret in grace too.
    await this.revocations.patChanged(pat.tokenDigest, pat.expiresAt);
    if (pat.previousTokenDigest) await this.revocations.patChanged(pat.previousTokenDigest, pat.expiresAt);
    await this.record('token.updated', updated, owner, { actor: owner, origin }, { changed: Object.keys(changes) });
    return updated;
  }

  /** A new secret for the same record; the old one stops working before this returns. */
  async regenerate(owner: User, id: number, expiry: ExpiryInput, origin?: RequestOrigin): Promise<PatWithSecret> {
    const pat = await this.get(owner, id);
    const now = this.clock();
    if (pat.revokedAt) throw invalidRequest(message('pat.revoked_regenerate'));
    const hasNewExpiry = expiry.expiresInDays !== undefined || expiry.expiresAt !== undefined;
    const expiresAt = hasNewExpiry ? this.resolveExpiry(expiry, now) : pat.expiresAt;
    if (expiresAt && expiresAt.getTime() <= now.getTime()) {
      throw invalidRequest(message('pat.expired_regenerate'));
    }
    const token = this.format.generate();
    const updated = await this.revoking([pat], () =>
      this.pats.update(
        pat,
        {
          ...this.newSecret(token, now),
          // Regenerate gives no grace: any earlier rotated-away secret is forgotten too.
          previousTokenDigest: null,
          previousHashedToken: null,
          graceEndsAt: null,
          ...(hasNewExpiry ? { expiresAt } : {}),
        },
        now,
      ),
    );
    await this.secretsRevoked(pat);
    // The old secret's hash: the entry says which secret stopped working.
    await this.record('token.regenerated', pat, owner, { actor: owner, origin }, { expires_at: expiresAt?.toISOString() ?? null });
    return { pat: { ...updated, expiresAt }, token };
  }

  /**
   * A new secret for the same record (same id, scopes and allowlist), the replaced one working on
   * for `graceSeconds` (never past its own expiry). Afterwards presenting it is reuse, and so is
   * rotating with it while it is still in grace (`presentedRotatedAway`): both revoke the token.
   */
  async rotate(owner: Owner, id: number, input: RotateInput, by: Acting & { self?: boolean } = {}): Promise<PatWithSecret> {
    const pat = await this.pats.findForUser(owner.id, id);
    // The owner's route manages personal tokens; a token rotating itself may be either kind.
    if (!pat || (!by.self && pat.impersonation)) throw notFound('token');
    const now = this.clock();
    if (pat.revokedAt) throw invalidRequest(message('pat.revoked_regenerate'));
    if (pat.expiresAt && input.expiresInDays === undefined && pat.expiresAt.getTime() <= now.getTime()) throw invalidRequest(message('pat.expired_regenerate'));
    // The new secret's lifetime counts from now, so the kept expiry must fit the policy too.
    const expiresAt = input.expiresInDays !== undefined ? this.resolveExpiry({ expiresInDays: input.expiresInDays }, now) : this.resolveExpiry({ expiresAt: pat.expiresAt }, now);
    const grace = Math.min(Math.max(input.graceSeconds ?? 0, 0), MAX_GRACE_SECONDS) * 1000;
    // The replaced secret never outlives its own expiry.
    const graceEndsAt = new Date(Math.min(now.getTime() + grace, pat.expiresAt?.getTime() ?? Infinity));
    const token = this.format.generate();
    const updated = await this.revoking([pat], () =>
      this.pats.update(
        pat,
        { ...this.newSecret(token, now), previousTokenDigest: pat.tokenDigest, previousHashedToken: pat.hashedToken, graceEndsAt, expiresAt },
        now,
      ),
    );
    // Caches holding the replaced secret re-read it (and find it rotated); an older one is dead.
    await this.revocations.patChanged(pat.tokenDigest, pat.expiresAt);
    if (pat.previousTokenDigest) await this.revocations.patRevoked(pat.previousTokenDigest, pat.expiresAt);
    await this.record('token.rotated', pat, owner, by, {
      grace_seconds: grace / 1000,
      grace_ends_at: graceEndsAt.toISOString(),
      expires_at: expiresAt?.toISOString() ?? null,
      self: by.self ?? false,
    });
    return { pat: updated, token };
  }

  /**
   * A rotated-away secret presented after its grace period, or used to rotate again: revokes the
   * whole token (every secret of the record), as GitLab does, and logs `token.reuse_detected`.
   */
  async reuseDetected(patId: number, by: Acting = {}, how: 'presented' | 'rotate' = 'presented'): Promise<void> {
    const current = await this.pats.findById(patId);
    if (!current) return;
    const who = { id: current.userId, username: null };
    const logged = { id: current.id, hashedToken: current.previousHashedToken ?? current.hashedToken };
    await this.log.record({
      action: 'token.reuse_detected',
      user: who,
      actor: by.actor ?? null,
      token: { id: logged.id, kind: 'personal_access_token', hashedToken: logged.hashedToken },
      origin: by.origin,
      details: { how, impersonation: current.impersonation },
    });
    await this.markRevoked(current, who, by, 'reuse');
  }

  /** Unused for PAT_MAX_IDLE_DAYS (found at use): revoked; the security-log entry is the owner's notice. */
  async idleExpired(patId: number): Promise<void> {
    const current = await this.pats.findById(patId);
    if (current) await this.markRevoked(current, { id: current.userId, username: null }, {}, 'idle');
  }

  /**
   * The cleanup run's sweep (when PAT_MAX_IDLE_DAYS is set): revokes up to `limit` tokens unused
   * that long, so owners are told even of tokens nobody presents again. `found`/`deleted` count
   * the tokens found and revoked (CleanupService's batch shape).
   */
  async revokeIdle(now: Date, limit: number): Promise<{ found: number; deleted: number }> {
    if (this.usePolicy.maxIdleDays <= 0) return { found: 0, deleted: 0 };
    const idle = await this.pats.findIdle(new Date(now.getTime() - this.usePolicy.maxIdleDays * DAY_MS), now, limit);
    let revoked = 0;
    for (const pat of idle) {
      const updated = await this.markRevoked(pat, { id: pat.userId, username: null }, {}, 'idle');
      if (updated !== pat) revoked++;
    }
    return { found: idle.length, deleted: revoked };
  }

  async delete(owner: User, id: number, origin?: RequestOrigin): Promise<void> {
    const pat = await this.get(owner, id);
    await this.revoking([pat], () => this.pats.delete(owner.id, pat.id));
    await this.secretsRevoked(pat);
    await this.record('token.revoked', pat, owner, { actor: owner, origin }, { reason: 'owner', deleted: true });
  }

  /** CODING's "delete all": every personal token of the user. */
  async deleteAll(owner: User, origin?: RequestOrigin): Promise<void> {
    const all = (await this.pats.listForUser(owner.id)).filter((p) => !p.impersonation);
    await this.revoking(all, () => this.pats.deleteAllForUser(owner.id, false));
    await Promise.all(all.map((p) => this.secretsRevoked(p)));
    for (const pat of all) await this.record('token.revoked', pat, owner, { actor: owner, origin }, { reason: 'owner', deleted: true });
  }

  /** Marks a token revoked but keeps its record (impersonation tokens, admin action, CLI). */
  async revoke(owner: User, id: number, kind: PatKind, actor?: User, origin?: RequestOrigin): Promise<PersonalAccessToken> {
    const by = actor ?? owner;
    return this.markRevoked(await this.get(owner, id, kind), owner, { actor: by, origin }, by.id === owner.id ? 'owner' : 'admin');
  }

  /** Operator action (`tessera token revoke <id>`): any user's token, personal or impersonation. */
  async revokeById(id: number): Promise<PersonalAccessToken> {
    const pat = await this.pats.findById(id);
    if (!pat) throw notFound('token');
    return this.markRevoked(pat, { id: pat.userId, username: null }, { origin: CLI }, 'operator');
  }

  /** The record of a token string, any user's; null for a malformed string (no I/O) or an unknown one. */
  async findByToken(token: string): Promise<PersonalAccessToken | null> {
    if (!this.format.isWellFormed(token)) return null;
    return this.pats.findByDigest(this.format.digest(token));
  }

  /**
   * Revokes the token a string is (a leak report, an administrator holding it). Null when the
   * string is malformed or no token; `revoked: false` when it was already revoked or expired.
   */
  async revokeByToken(token: string, reason: 'leak_report' | 'admin', by: Acting = {}): Promise<{ pat: PersonalAccessToken; revoked: boolean } | null> {
    const pat = await this.findByToken(token);
    if (!pat) return null;
    if (!isActive(pat, this.clock())) return { pat, revoked: false };
    return { pat: await this.markRevoked(pat, { id: pat.userId, username: null }, by, reason), revoked: true };
  }

  private async markRevoked(pat: PersonalAccessToken, owner: Owner, by: Acting, reason: string): Promise<PersonalAccessToken> {
    if (pat.revokedAt) return pat;
    const updated = await this.revoking([pat], () => this.pats.update(pat, { revokedAt: this.clock() }, this.clock()));
    await this.secretsRevoked(pat);
    await this.record('token.revoked', pat, owner, by, { reason });
    return updated;
  }

  /** A security-log entry about `pat`, in its owner's log. */
  private record(action: SecurityAction, pat: PersonalAccessToken, owner: Owner, by: Acting, details: SecurityEventDetails): Promise<void> {
    return this.log.record({
      action,
      user: owner,
      actor: by.actor ?? null,
      token: { id: pat.id, kind: 'personal_access_token', hashedToken: pat.hashedToken },
      origin: by.origin,
      details: { ...details, impersonation: pat.impersonation },
    });
  }

  /**
   * Runs a write that revokes `pats`, failing closed: when the database does not answer in time,
   * the write may still be applied later (it was sent, and a paused or locked database runs it when
   * it resumes), and a retry would then find nothing to revoke. So the revocation markers are
   * written before the 503 goes out, and every instance treats the tokens as revoked for the markers'
   * life (at most MARKER_TTL_SECONDS) even if the write never lands; the caller is told to retry.
   */
  private async revoking<T>(pats: PersonalAccessToken[], write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (asBackendUnavailable(err)) await Promise.all(pats.map((p) => this.secretsRevoked(p)));
      throw err;
    }
  }

  /** Every secret of the record is dead on every instance: the current one and a rotated-away one in grace. */
  private async secretsRevoked(pat: PersonalAccessToken): Promise<void> {
    await this.revocations.patRevoked(pat.tokenDigest, pat.expiresAt);
    if (pat.previousTokenDigest) await this.revocations.patRevoked(pat.previousTokenDigest, pat.expiresAt);
  }

  /** The columns a new secret sets. */
  private newSecret(token: string, now: Date) {
    return { tokenDigest: this.format.digest(token), tokenLastFour: this.format.lastFour(token), hashedToken: hashedToken(token), secretIssuedAt: now };
  }

  private resolveExpiry(input: ExpiryInput, now: Date): Date | null {
    if (input.expiresInDays !== undefined && input.expiresAt !== undefined) {
      throw invalidRequest(message('pat.expiry_twice'));
    }
    let expiresAt: Date | null = null;
    if (input.expiresInDays !== undefined) expiresAt = new Date(now.getTime() + input.expiresInDays * DAY_MS);
    else if (input.expiresAt) {
      if (input.expiresAt.getTime() <= now.getTime()) throw invalidField('expires_at', 'pat.expiry_past');
      expiresAt = input.expiresAt;
    }
    // Checked on the result, so a lifetime in days cannot overflow the column either.
    if (expiresAt && expiresAt.getTime() > LATEST_STORABLE_TIME) {
      throw input.expiresAt
        ? invalidField('expires_at', 'pat.expires_at_too_late', { date: LATEST_STORABLE_DATE })
        : invalidField('expires_in_days', 'pat.lifetime_too_late', { date: LATEST_STORABLE_DATE });
    }
    if (this.maxLifetimeDays > 0) {
      const latest = now.getTime() + this.maxLifetimeDays * DAY_MS;
      if (!expiresAt) throw invalidRequest(message('pat.must_expire', { days: this.maxLifetimeDays }));
      if (expiresAt.getTime() > latest) {
        throw invalidRequest(message('pat.expiry_too_far', { days: this.maxLifetimeDays }));
      }
    }
    return expiresAt;
  }
}

function normaliseAllowlist(entries: string[] | null | undefined): string[] | null {
  if (!entries || entries.length === 0) return null;
  const normalised = entries.map((entry) => {
    const cidr = normaliseAllowlistEntry(entry);
    if (!cidr) throw invalidField('ip_allowlist', 'pat.bad_allowlist_entry', { entry });
    return cidr;
  });
  return [...new Set(normalised)];
}
