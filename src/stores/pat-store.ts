import { Brackets, type DataSource, type Repository } from 'typeorm';
import { PersonalAccessTokenEntity, type LastUsedIp, type PersonalAccessToken } from '../entities/index.js';

/** How many distinct client addresses a token remembers (GitLab keeps five). */
export const LAST_USED_IPS_KEPT = 5;

/** Columns only use and rotation set: a new token starts with none of them. */
type UseAndRotation = 'lastUsedAt' | 'lastUsedIp' | 'lastUsedIps' | 'lastUsedUserAgent' | 'previousTokenDigest' | 'previousHashedToken' | 'graceEndsAt' | 'secretIssuedAt';
export type NewPat = Omit<PersonalAccessToken, 'id' | 'createdAt' | 'updatedAt' | 'revokedAt' | UseAndRotation>;
export type PatChanges = Partial<
  Pick<
    PersonalAccessToken,
    | 'name'
    | 'description'
    | 'scopes'
    | 'ipAllowlist'
    | 'tokenDigest'
    | 'tokenLastFour'
    | 'hashedToken'
    | 'revokedAt'
    | 'expiresAt'
    | 'previousTokenDigest'
    | 'previousHashedToken'
    | 'graceEndsAt'
    | 'secretIssuedAt'
  >
>;

/** One use of a token, as recorded. */
export interface PatUse {
  ip: string | undefined;
  userAgent: string | undefined;
}

/** `ips` with `ip` moved to the front at `at`, distinct, at most LAST_USED_IPS_KEPT. */
export function withAddress(ips: readonly LastUsedIp[] | null, ip: string, at: Date): LastUsedIp[] {
  return [{ ip, at: at.toISOString() }, ...(ips ?? []).filter((e) => e.ip !== ip)].slice(0, LAST_USED_IPS_KEPT);
}

export interface PatListFilter {
  userId: number;
  impersonation?: boolean;
  state: 'all' | 'active' | 'inactive';
  search?: string;
  offset: number;
  limit: number;
  now: Date;
}

/** Personal access tokens. Always scoped by owner except the digest lookup used to verify a token. */
export interface PatStore {
  create(pat: NewPat, now: Date): Promise<PersonalAccessToken>;
  findForUser(userId: number, id: number): Promise<PersonalAccessToken | null>;
  /** Any user's token by id: operator tools (the CLI) only, never an API route. */
  findById(id: number): Promise<PersonalAccessToken | null>;
  /** The token whose current secret — or whose previous, rotated-away secret — has this digest. */
  findByDigest(digest: string): Promise<PersonalAccessToken | null>;
  list(filter: PatListFilter): Promise<[PersonalAccessToken[], number]>;
  listForUser(userId: number): Promise<PersonalAccessToken[]>;
  update(pat: PersonalAccessToken, changes: PatChanges, now: Date): Promise<PersonalAccessToken>;
  delete(userId: number, id: number): Promise<void>;
  deleteAllForUser(userId: number, impersonation?: boolean): Promise<void>;
  /** Up to `limit` live tokens (not revoked, not expired) neither used nor issued since `cutoff`, oldest first. */
  findIdle(cutoff: Date, now: Date, limit: number): Promise<PersonalAccessToken[]>;
  /**
   * Records a use unless one was recorded within `throttleMs` from an address already listed;
   * a no-op otherwise. Keeps the last LAST_USED_IPS_KEPT distinct addresses.
   */
  touchLastUsed(id: number, use: PatUse, now: Date, throttleMs: number): Promise<void>;
}

export class TypeormPatStore implements PatStore {
  private readonly repo: Repository<PersonalAccessToken>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(PersonalAccessTokenEntity);
  }

  create(pat: NewPat, now: Date): Promise<PersonalAccessToken> {
    return this.repo.save({
      ...pat,
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedIps: null,
      lastUsedUserAgent: null,
      previousTokenDigest: null,
      previousHashedToken: null,
      graceEndsAt: null,
      secretIssuedAt: null,
      revokedAt: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  findForUser(userId: number, id: number): Promise<PersonalAccessToken | null> {
    return this.repo.findOneBy({ id, userId });
  }

  findById(id: number): Promise<PersonalAccessToken | null> {
    return this.repo.findOneBy({ id });
  }

  async findByDigest(digest: string): Promise<PersonalAccessToken | null> {
    // The current secret first: it is unique; a previous digest names at most one live record too.
    return (await this.repo.findOneBy({ tokenDigest: digest })) ?? (await this.repo.findOneBy({ previousTokenDigest: digest }));
  }

  list(f: PatListFilter): Promise<[PersonalAccessToken[], number]> {
    const qb = this.repo.createQueryBuilder('t').where('t.user_id = :userId', { userId: f.userId });
    if (f.impersonation !== undefined) qb.andWhere('t.impersonation = :imp', { imp: f.impersonation });
    const activeSql = 't.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > :now)';
    if (f.state === 'active') qb.andWhere(activeSql, { now: f.now });
    if (f.state === 'inactive') qb.andWhere(`NOT (${activeSql})`, { now: f.now });
    if (f.search) {
      // '!' escapes LIKE wildcards: a backslash would itself need escaping in MySQL but not in SQLite.
      const like = `%${f.search.replace(/[!%_]/g, (c) => `!${c}`)}%`;
      qb.andWhere(
        new Brackets((b) => b.where("t.name LIKE :like ESCAPE '!'", { like }).orWhere("t.description LIKE :like ESCAPE '!'", { like })),
      );
    }
    return qb.orderBy('t.id', 'DESC').skip(f.offset).take(f.limit).getManyAndCount();
  }

  listForUser(userId: number): Promise<PersonalAccessToken[]> {
    return this.repo.findBy({ userId });
  }

  async update(pat: PersonalAccessToken, changes: PatChanges, now: Date): Promise<PersonalAccessToken> {
    await this.repo.update({ id: pat.id }, { ...changes, updatedAt: now });
    return { ...pat, ...changes, updatedAt: now };
  }

  async delete(userId: number, id: number): Promise<void> {
    await this.repo.delete({ id, userId });
  }

  async deleteAllForUser(userId: number, impersonation?: boolean): Promise<void> {
    await this.repo.delete(impersonation === undefined ? { userId } : { userId, impersonation });
  }

  findIdle(cutoff: Date, now: Date, limit: number): Promise<PersonalAccessToken[]> {
    return this.repo
      .createQueryBuilder('t')
      .where('t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > :now)', { now })
      .andWhere('t.created_at < :cutoff AND (t.last_used_at IS NULL OR t.last_used_at < :cutoff) AND (t.secret_issued_at IS NULL OR t.secret_issued_at < :cutoff)', { cutoff })
      .orderBy('t.id', 'ASC')
      .take(limit)
      .getMany();
  }

  async touchLastUsed(id: number, use: PatUse, now: Date, throttleMs: number): Promise<void> {
    const row = await this.repo.findOne({ where: { id }, select: { id: true, lastUsedAt: true, lastUsedIps: true } });
    if (!row) return;
    const known = !use.ip || (row.lastUsedIps ?? []).some((e) => e.ip === use.ip);
    if (known && row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < throttleMs) return;
    const set: Partial<PersonalAccessToken> = { lastUsedAt: now };
    // An introspection call without end_user_ip still counts as a use; the addresses stay as they were.
    if (use.ip) Object.assign(set, { lastUsedIp: use.ip, lastUsedIps: withAddress(row.lastUsedIps, use.ip, now) });
    if (use.userAgent) set.lastUsedUserAgent = use.userAgent.slice(0, 255);
    await this.repo.update({ id }, set);
  }
}
