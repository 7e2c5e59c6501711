import { In, LessThanOrEqual, type DataSource, type Repository } from 'typeorm';
import { WebSessionEntity, type WebSession } from '../entities/index.js';

/** Browser sessions, by the digest of their id. */
export interface WebSessionStore {
  create(session: WebSession): Promise<void>;
  findByDigest(idDigest: string): Promise<WebSession | null>;
  setData(idDigest: string, data: string | null): Promise<void>;
  delete(idDigest: string): Promise<void>;
  /** Ends every session of a user; returns how many there were. */
  deleteForUser(userId: number): Promise<number>;
  /** Deletes up to `limit` sessions expired by `now`, by key: how many it found, and deleted. */
  deleteExpired(now: Date, limit: number): Promise<{ found: number; deleted: number }>;
}

export class TypeormWebSessionStore implements WebSessionStore {
  private readonly repo: Repository<WebSession>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(WebSessionEntity);
  }

  async create(session: WebSession): Promise<void> {
    await this.repo.insert(session);
  }

  findByDigest(idDigest: string): Promise<WebSession | null> {
    return this.repo.findOneBy({ idDigest });
  }

  async setData(idDigest: string, data: string | null): Promise<void> {
    await this.repo.update({ idDigest }, { data });
  }

  async delete(idDigest: string): Promise<void> {
    await this.repo.delete({ idDigest });
  }

  async deleteExpired(now: Date, limit: number): Promise<{ found: number; deleted: number }> {
    const rows = await this.repo.find({ where: { expiresAt: LessThanOrEqual(now) }, select: { idDigest: true }, take: limit });
    if (!rows.length) return { found: 0, deleted: 0 };
    const { affected } = await this.repo.delete({ idDigest: In(rows.map((r) => r.idDigest)) });
    return { found: rows.length, deleted: affected ?? rows.length };
  }

  async deleteForUser(userId: number): Promise<number> {
    return (await this.repo.delete({ userId })).affected ?? 0;
  }
}
