import { In, IsNull, LessThan, MoreThan, type DataSource, type Repository } from 'typeorm';
import { OidcPayloadEntity, type OidcPayload } from '../entities/index.js';

/** What the adapter writes for one artifact. */
export type OidcPayloadRow = Omit<OidcPayload, 'createdAt' | 'consumedAt' | 'lastUsedAt'>;

/** Rows removed by a bulk delete, so callers can report each revocation. */
export type RemovedRow = Pick<OidcPayload, 'model' | 'id' | 'expiresAt'>;
/** A removed row with whose it was (for the security log). */
export type RemovedArtifact = RemovedRow & Pick<OidcPayload, 'accountId' | 'grantId'>;

/**
 * oidc-provider artifacts in MySQL/SQLite. Everything is keyed by (model, id); the secondary
 * columns (grant, uid, user code, account, client) exist only to find rows by them.
 */
export class OidcPayloadStore {
  private readonly repo: Repository<OidcPayload>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(OidcPayloadEntity);
  }

  async upsert(row: OidcPayloadRow, now: Date): Promise<void> {
    // Keep created_at/last_used_at of an existing row: the provider re-saves Grants and Sessions.
    const existing = await this.repo.findOne({ where: { model: row.model, id: row.id }, select: { model: true, createdAt: true } });
    if (existing) await this.repo.update({ model: row.model, id: row.id }, row);
    else await this.repo.insert({ ...row, consumedAt: null, lastUsedAt: null, createdAt: now });
  }

  /** Inserts the row unless one with its (model, id) exists; true when this call inserted it. */
  async insertOnce(row: OidcPayloadRow, now: Date): Promise<boolean> {
    try {
      await this.repo.insert({ ...row, consumedAt: null, lastUsedAt: null, createdAt: now });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  find(model: string, id: string): Promise<OidcPayload | null> {
    return this.repo.findOneBy({ model, id });
  }

  findBy(model: string, column: 'uid' | 'userCode', value: string): Promise<OidcPayload | null> {
    return this.repo.findOneBy({ model, [column]: value });
  }

  /**
   * Marks the artifact consumed if nobody has: one conditional UPDATE, so of any number of
   * concurrent callers (on any instance) exactly one gets true. False: already consumed or gone.
   */
  async consume(model: string, id: string, at: Date): Promise<boolean> {
    const result = await this.repo.update({ model, id, consumedAt: IsNull() }, { consumedAt: at });
    return result.affected === 1;
  }

  async delete(model: string, id: string): Promise<RemovedRow | null> {
    const row = await this.repo.findOne({ where: { model, id }, select: { model: true, id: true, expiresAt: true } });
    if (!row) return null;
    await this.repo.delete({ model, id });
    return row;
  }

  /** Deletes one model's rows under a grant. */
  deleteByGrant(model: string, grantId: string): Promise<RemovedRow[]> {
    return this.deleteWhere({ model, grantId });
  }

  /** Deletes every artifact (any model) issued to a client. */
  deleteByClient(clientId: string): Promise<RemovedArtifact[]> {
    return this.deleteWhere({ clientId });
  }

  /** Deletes the provider's sign-in sessions of an account (its grants and tokens stay). */
  deleteSessionsOf(accountId: string): Promise<RemovedRow[]> {
    return this.deleteWhere({ model: 'Session', accountId });
  }

  /** A user's grants that have not expired, newest first. */
  listGrants(accountId: string, now: Date): Promise<OidcPayload[]> {
    return this.repo.find({
      where: [
        { model: 'Grant', accountId, expiresAt: MoreThan(now) },
        { model: 'Grant', accountId, expiresAt: IsNull() },
      ],
      order: { createdAt: 'DESC' },
    });
  }

  /** The newest live grant an account gave a client, if any. */
  async latestGrant(accountId: string, clientId: string, now: Date): Promise<OidcPayload | null> {
    const [grant] = await this.repo.find({
      where: [
        { model: 'Grant', accountId, clientId, expiresAt: MoreThan(now) },
        { model: 'Grant', accountId, clientId, expiresAt: IsNull() },
      ],
      order: { createdAt: 'DESC' },
      take: 1,
    });
    return grant ?? null;
  }

  /** Records that a token was just issued under the grant. */
  async touchGrant(grantId: string, at: Date): Promise<void> {
    await this.repo.update({ model: 'Grant', id: grantId }, { lastUsedAt: at });
  }

  /** Removes up to `limit` rows (any model) that expired before `before`, by key: how many it found, and deleted. */
  async deleteExpired(before: Date, limit: number): Promise<{ found: number; deleted: number }> {
    const rows = await this.repo.find({ where: { expiresAt: LessThan(before) }, select: { model: true, id: true }, take: limit });
    let deleted = 0;
    for (const model of new Set(rows.map((r) => r.model))) {
      const ids = rows.filter((r) => r.model === model).map((r) => r.id);
      deleted += (await this.repo.delete({ model, id: In(ids) })).affected ?? ids.length;
    }
    return { found: rows.length, deleted };
  }

  private async deleteWhere(where: { model?: string; grantId?: string; clientId?: string; accountId?: string }): Promise<RemovedArtifact[]> {
    const rows = await this.repo.find({ where, select: { model: true, id: true, expiresAt: true, accountId: true, grantId: true } });
    for (const model of new Set(rows.map((r) => r.model))) {
      const ids = rows.filter((r) => r.model === model).map((r) => r.id);
      for (let i = 0; i < ids.length; i += 500) await this.repo.delete({ model, id: In(ids.slice(i, i + 500)) });
    }
    return rows;
  }
}

/** MySQL/MariaDB's and SQLite's "that key exists" errors. */
function isDuplicateKey(err: unknown): boolean {
  const code = (err as { driverError?: { code?: string } }).driverError?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
