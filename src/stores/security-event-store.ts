import { In, LessThan, LessThanOrEqual, MoreThanOrEqual, And, type DataSource, type FindOptionsWhere, type Repository } from 'typeorm';
import { SecurityEventEntity, type SecurityEvent } from '../entities/index.js';

/** What a search of the security log may narrow by; every field is optional but the page. */
export interface SecurityEventFilter {
  userId?: number;
  /** The user's name as the entry recorded it (entries outlive accounts). */
  userName?: string;
  action?: string;
  hashedToken?: string;
  /** Entries strictly before this instant. */
  before?: Date;
  /** Entries at or after this instant. */
  after?: Date;
  offset: number;
  limit: number;
}

/** The `security_events` table. */
export interface SecurityEventStore {
  insert(event: Omit<SecurityEvent, 'id'>): Promise<void>;
  /** Newest first, with the total that matched. */
  search(filter: SecurityEventFilter): Promise<[SecurityEvent[], number]>;
  /** Deletes up to `limit` entries older than `cutoff`, by primary key (see ExpiringRows). */
  deleteOlderThan(cutoff: Date, limit: number): Promise<{ found: number; deleted: number }>;
}

export class TypeormSecurityEventStore implements SecurityEventStore {
  private readonly repo: Repository<SecurityEvent>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(SecurityEventEntity);
  }

  async insert(event: Omit<SecurityEvent, 'id'>): Promise<void> {
    await this.repo.insert(event);
  }

  search(filter: SecurityEventFilter): Promise<[SecurityEvent[], number]> {
    const where: FindOptionsWhere<SecurityEvent> = {};
    if (filter.userId !== undefined) where.userId = filter.userId;
    if (filter.userName !== undefined) where.userName = filter.userName;
    if (filter.action !== undefined) where.action = filter.action;
    if (filter.hashedToken !== undefined) where.hashedToken = filter.hashedToken;
    if (filter.before && filter.after) where.occurredAt = And(MoreThanOrEqual(filter.after), LessThan(filter.before));
    else if (filter.before) where.occurredAt = LessThan(filter.before);
    else if (filter.after) where.occurredAt = MoreThanOrEqual(filter.after);
    return this.repo.findAndCount({ where, order: { occurredAt: 'DESC', id: 'DESC' }, skip: filter.offset, take: filter.limit });
  }

  async deleteOlderThan(cutoff: Date, limit: number): Promise<{ found: number; deleted: number }> {
    const rows = await this.repo.find({ where: { occurredAt: LessThanOrEqual(cutoff) }, select: { id: true }, take: limit });
    if (!rows.length) return { found: 0, deleted: 0 };
    const { affected } = await this.repo.delete({ id: In(rows.map((r) => r.id)) });
    return { found: rows.length, deleted: affected ?? rows.length };
  }
}
