import { And, IsNull, LessThanOrEqual, MoreThan, MoreThanOrEqual, Not, type DataSource, type Repository } from 'typeorm';
import { NotificationEntity, PersonalAccessTokenEntity, type Notification, type PersonalAccessToken } from '../entities/index.js';

export type NewNotification = Omit<Notification, 'id' | 'readAt' | 'attempts' | 'sentAt'>;

/** A token the expiry scan looks at. */
export type ScannedToken = Pick<PersonalAccessToken, 'id' | 'userId' | 'name' | 'tokenLastFour' | 'expiresAt'>;

/** The `notifications` table (and the read of `personal_access_tokens` the expiry scan needs). */
export interface NotificationStore {
  /** Inserts each notice unless one with its (token, kind, threshold) exists; returns how many were new. */
  insertOnce(rows: NewNotification[]): Promise<number>;
  /** Personal tokens (not impersonation, not revoked) expiring in [from, to], by id after `afterId`. */
  tokensExpiringBetween(from: Date, to: Date, afterId: number, limit: number): Promise<ScannedToken[]>;
  /** Notices whose mail is due by `now`, oldest first. */
  dueMail(now: Date, limit: number): Promise<Notification[]>;
  /**
   * Takes a due notice's mail for this caller: one conditional UPDATE (the attempts seen, still
   * pending, still due), so of any number of instances exactly one gets true. It counts the
   * attempt and holds the row until `leaseUntil`, when a crashed sender's claim lapses.
   */
  claimMail(row: Pick<Notification, 'id' | 'attempts'>, now: Date, leaseUntil: Date): Promise<boolean>;
  mailSent(id: number, now: Date): Promise<void>;
  mailRetryAt(id: number, at: Date): Promise<void>;
  mailFailed(id: number): Promise<void>;
  /** A user's notices, newest first, with the total. */
  listForUser(userId: number, offset: number, limit: number): Promise<[Notification[], number]>;
  countUnread(userId: number): Promise<number>;
  markAllRead(userId: number, now: Date): Promise<void>;
}

export class TypeormNotificationStore implements NotificationStore {
  private readonly repo: Repository<Notification>;
  private readonly pats: Repository<PersonalAccessToken>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(NotificationEntity);
    this.pats = dataSource.getRepository(PersonalAccessTokenEntity);
  }

  async insertOnce(rows: NewNotification[]): Promise<number> {
    let inserted = 0;
    // One statement per row, run for its structured result: the rows it changed (0 when ignored), on both databases.
    for (const row of rows) {
      const [sql, parameters] = this.repo.createQueryBuilder().insert().into(NotificationEntity).values({ ...row, attempts: 0 }).orIgnore().getQueryAndParameters();
      const runner = this.repo.manager.connection.createQueryRunner();
      try {
        inserted += (await runner.query(sql, parameters, true)).affected ?? 0;
      } finally {
        await runner.release();
      }
    }
    return inserted;
  }

  tokensExpiringBetween(from: Date, to: Date, afterId: number, limit: number): Promise<ScannedToken[]> {
    return this.pats.find({
      select: { id: true, userId: true, name: true, tokenLastFour: true, expiresAt: true },
      where: { id: MoreThan(afterId), impersonation: false, revokedAt: IsNull(), expiresAt: And(MoreThanOrEqual(from), LessThanOrEqual(to)) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  dueMail(now: Date, limit: number): Promise<Notification[]> {
    return this.repo.find({ where: { mailState: 'pending', nextAttemptAt: LessThanOrEqual(now) }, order: { id: 'ASC' }, take: limit });
  }

  async claimMail(row: Pick<Notification, 'id' | 'attempts'>, now: Date, leaseUntil: Date): Promise<boolean> {
    const result = await this.repo.update(
      { id: row.id, mailState: 'pending', attempts: row.attempts, nextAttemptAt: LessThanOrEqual(now) },
      { attempts: row.attempts + 1, nextAttemptAt: leaseUntil },
    );
    return result.affected === 1;
  }

  async mailSent(id: number, now: Date): Promise<void> {
    await this.repo.update({ id }, { mailState: 'sent', sentAt: now, nextAttemptAt: null });
  }

  async mailRetryAt(id: number, at: Date): Promise<void> {
    await this.repo.update({ id, mailState: 'pending' }, { nextAttemptAt: at });
  }

  async mailFailed(id: number): Promise<void> {
    await this.repo.update({ id, mailState: 'pending' }, { mailState: 'failed', nextAttemptAt: null });
  }

  listForUser(userId: number, offset: number, limit: number): Promise<[Notification[], number]> {
    return this.repo.findAndCount({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' }, skip: offset, take: limit });
  }

  countUnread(userId: number): Promise<number> {
    return this.repo.countBy({ userId, readAt: IsNull() });
  }

  async markAllRead(userId: number, now: Date): Promise<void> {
    await this.repo.update({ userId, readAt: IsNull(), id: Not(0) }, { readAt: now });
  }
}
