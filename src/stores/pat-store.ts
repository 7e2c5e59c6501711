import { Brackets, type DataSource, type Repository } from 'typeorm';
import { PersonalAccessTokenEntity, type PersonalAccessToken } from '../entities/index.js';

export type NewPat = Omit<PersonalAccessToken, 'id' | 'createdAt' | 'updatedAt' | 'lastUsedAt' | 'lastUsedIp' | 'revokedAt'>;
export type PatChanges = Partial<Pick<PersonalAccessToken, 'name' | 'description' | 'scopes' | 'ipAllowlist' | 'tokenDigest' | 'tokenLastFour' | 'hashedToken' | 'revokedAt'>>;

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
  findByDigest(digest: string): Promise<PersonalAccessToken | null>;
  list(filter: PatListFilter): Promise<[PersonalAccessToken[], number]>;
  listForUser(userId: number): Promise<PersonalAccessToken[]>;
  update(pat: PersonalAccessToken, changes: PatChanges, now: Date): Promise<PersonalAccessToken>;
  delete(userId: number, id: number): Promise<void>;
  deleteAllForUser(userId: number, impersonation?: boolean): Promise<void>;
  /** Records a use unless one was recorded within `throttleMs`; cheap no-op otherwise. */
  touchLastUsed(id: number, ip: string | undefined, now: Date, throttleMs: number): Promise<void>;
}

export class TypeormPatStore implements PatStore {
  private readonly repo: Repository<PersonalAccessToken>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(PersonalAccessTokenEntity);
  }

  create(pat: NewPat, now: Date): Promise<PersonalAccessToken> {
    return this.repo.save({ ...pat, lastUsedAt: null, lastUsedIp: null, revokedAt: null, createdAt: now, updatedAt: now });
  }

  findForUser(userId: number, id: number): Promise<PersonalAccessToken | null> {
    return this.repo.findOneBy({ id, userId });
  }

  findById(id: number): Promise<PersonalAccessToken | null> {
    return this.repo.findOneBy({ id });
  }

  findByDigest(digest: string): Promise<PersonalAccessToken | null> {
    return this.repo.findOneBy({ tokenDigest: digest });
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

  async touchLastUsed(id: number, ip: string | undefined, now: Date, throttleMs: number): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      // An introspection call without end_user_ip still counts as a use; the address stays as it was.
      .set(ip ? { lastUsedAt: now, lastUsedIp: ip } : { lastUsedAt: now })
      .where('id = :id', { id })
      .andWhere('(last_used_at IS NULL OR last_used_at < :cutoff)', { cutoff: new Date(now.getTime() - throttleMs) })
      .execute();
  }
}
