import type { Clock } from '../clock.js';
import type { Notification, NotificationKind, SecurityEvent } from '../entities/index.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.js';
import { notificationMail } from '../mail/notification-mail.js';
import { isLang } from '../messages/lang.js';
import type { ScopeRegistry } from '../scopes/scope-registry.js';
import type { NewNotification, NotificationStore } from '../stores/notification-store.js';
import type { PatStore } from '../stores/pat-store.js';
import type { UserStore } from '../stores/user-store.js';
import { runPeriodically, type PeriodicRun } from './periodic.js';

const DAY = 86_400_000;
/** Days before expiry at which the owner hears, largest first; each once. */
export const EXPIRY_THRESHOLDS = [30, 7, 1] as const;
/** An expired token is announced only if it expired this recently (not years-old tokens at first start). */
const EXPIRED_LOOKBACK_DAYS = 7;
/** Mail attempts per notice before it is marked failed; waits between them double from the first. */
export const MAIL_MAX_ATTEMPTS = 6;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 3_600_000;
/** How long a claimed mail is held by its sender before another instance may take it. */
const MAIL_LEASE_MS = 120_000;
const BATCH = 200;

/** "Only one instance scans at a time": Redis SET NX PX in production, in-process embedded. */
export interface ScanLock {
  /** True if this caller now holds the lock (for at most ttlMs). */
  acquire(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

/** An in-process lock, for one instance over SQLite. */
export function memoryScanLock(): ScanLock {
  let until = 0;
  return {
    async acquire(ttlMs) {
      if (Date.now() < until) return false;
      until = Date.now() + ttlMs;
      return true;
    },
    async release() {
      until = 0;
    },
  };
}

export interface NotificationRun {
  /** Notices the scan added. */
  added: number;
  sent: number;
  retried: number;
  failed: number;
  /** False if another instance held the scan lock (its mail was still sent). */
  scanned: boolean;
}

/**
 * Notices to a token's owner: 30, 7 and 1 day(s) before expiry, on expiry, when a leaked token was
 * revoked, and when a token is created with a sensitive scope. Each is a row, unique per
 * (token, kind, threshold), so many instances (and `tessera notify run`) insert it once. With a
 * mailer each row is also the outbox: claimed by one instance, retried with backoff, never from a
 * request's path. Without one, notices only appear on the notifications page.
 */
export class NotificationService {
  private draining: Promise<Omit<NotificationRun, 'added' | 'scanned'>> | null = null;
  private kickAgain = false;

  constructor(
    private readonly store: NotificationStore,
    private readonly users: Pick<UserStore, 'findById'>,
    private readonly pats: Pick<PatStore, 'findById'>,
    private readonly scopes: ScopeRegistry,
    private readonly mailer: Mailer | null,
    private readonly lock: ScanLock,
    private readonly issuer: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The security-log listener: leak reports and tokens created with a sensitive scope. Never throws, never waits. */
  readonly onSecurityEvent = (event: SecurityEvent): void => {
    if (event.tokenId == null || event.userId == null || event.tokenKind !== 'personal_access_token') return;
    let kind: NotificationKind;
    let scopes: string[] | null = null;
    if (event.action === 'token.leak_reported') kind = 'token_leaked';
    else if (event.action === 'token.created') {
      const granted = Array.isArray(event.details?.scopes) ? event.details.scopes : [];
      scopes = granted.filter((name) => this.scopes.get(name)?.sensitive);
      if (!scopes.length) return;
      kind = 'sensitive_scope';
    } else return;
    void this.announce(kind, event.tokenId, scopes).catch((err: unknown) => this.logger.warn({ err, kind, tokenId: event.tokenId }, 'notification not stored'));
  };

  private async announce(kind: NotificationKind, tokenId: number, scopes: string[] | null): Promise<void> {
    const pat = await this.pats.findById(tokenId);
    if (!pat) return;
    await this.store.insertOnce([this.notice(kind, pat, 0, scopes)]);
    this.kick();
  }

  private notice(kind: NotificationKind, pat: { id: number; userId: number; name: string; tokenLastFour: string; expiresAt: Date | null }, thresholdDays: number, scopes: string[] | null = null): NewNotification {
    const now = this.clock();
    return {
      userId: pat.userId,
      kind,
      tokenId: pat.id,
      thresholdDays,
      tokenName: pat.name,
      tokenLastFour: pat.tokenLastFour,
      tokenExpiresAt: pat.expiresAt,
      scopes,
      createdAt: now,
      mailState: this.mailer ? 'pending' : 'none',
      nextAttemptAt: this.mailer ? now : null,
    };
  }

  /** Inserts the expiry notices now due (once each, whichever instance comes first). */
  async scan(): Promise<number> {
    const now = this.clock();
    let added = 0;
    for (let after = 0; ; ) {
      const tokens = await this.store.tokensExpiringBetween(new Date(now.getTime() - EXPIRED_LOOKBACK_DAYS * DAY), new Date(now.getTime() + EXPIRY_THRESHOLDS[0] * DAY), after, BATCH);
      const notices: NewNotification[] = [];
      for (const pat of tokens) {
        const left = pat.expiresAt!.getTime() - now.getTime();
        if (left <= 0) notices.push(this.notice('token_expired', pat, 0));
        else {
          // The smallest threshold the token is within: a token made with 5 days left hears at 7, then at 1, never at 30.
          const threshold = [...EXPIRY_THRESHOLDS].reverse().find((days) => left <= days * DAY)!;
          notices.push(this.notice('token_expiring', pat, threshold));
        }
      }
      added += await this.store.insertOnce(notices);
      if (tokens.length < BATCH) break;
      after = tokens[tokens.length - 1]!.id;
    }
    return added;
  }

  /** One run: the scan (if no other instance holds the lock), then every mail due. */
  async run(): Promise<NotificationRun> {
    let added = 0;
    const scanned = await this.lock.acquire(10 * 60_000);
    if (scanned) {
      try {
        added = await this.scan();
      } finally {
        await this.lock.release();
      }
    }
    return { added, scanned, ...(await this.drain()) };
  }

  /** Sends due mail soon, off the caller's path. */
  kick(): void {
    if (!this.mailer) return;
    if (this.draining) {
      this.kickAgain = true;
      return;
    }
    void this.drain().catch((err: unknown) => this.logger.warn({ err }, 'sending notification mail failed; will retry'));
  }

  /** Sends every mail due now (one drain at a time per instance; rows are claimed across instances). */
  drain(): Promise<Omit<NotificationRun, 'added' | 'scanned'>> {
    this.draining ??= this.sendDue().finally(() => {
      this.draining = null;
      if (this.kickAgain) {
        this.kickAgain = false;
        this.kick();
      }
    });
    return this.draining;
  }

  private async sendDue(): Promise<Omit<NotificationRun, 'added' | 'scanned'>> {
    const counts = { sent: 0, retried: 0, failed: 0 };
    if (!this.mailer) return counts;
    for (;;) {
      const now = this.clock();
      const due = await this.store.dueMail(now, BATCH);
      for (const row of due) {
        if (!(await this.store.claimMail(row, now, new Date(now.getTime() + MAIL_LEASE_MS)))) continue;
        const outcome = await this.sendOne(row, row.attempts + 1);
        counts[outcome]++;
      }
      if (due.length < BATCH) return counts;
    }
  }

  private async sendOne(row: Notification, attempt: number): Promise<'sent' | 'retried' | 'failed'> {
    try {
      const user = await this.users.findById(row.userId);
      if (!user) {
        await this.store.mailFailed(row.id);
        return 'failed';
      }
      await this.mailer!.send(notificationMail(row, user.email, isLang(user.lang) ? user.lang : 'en', this.issuer));
      await this.store.mailSent(row.id, this.clock());
      this.logger.info({ notification: row.id, kind: row.kind, attempt }, 'notification mailed');
      return 'sent';
    } catch (err) {
      if (attempt >= MAIL_MAX_ATTEMPTS) {
        await this.store.mailFailed(row.id);
        this.logger.error({ err, notification: row.id, kind: row.kind, attempt }, 'notification mail failed; giving up');
        return 'failed';
      }
      const wait = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);
      await this.store.mailRetryAt(row.id, new Date(this.clock().getTime() + wait));
      this.logger.warn({ err, notification: row.id, kind: row.kind, attempt, retryInMs: wait }, 'notification mail not sent; will retry');
      return 'retried';
    }
  }

  /** Runs every `intervalMs` (the first after a random part of it); failures are logged and retried next time. */
  schedule(intervalMs: number): PeriodicRun {
    const periodic = runPeriodically(intervalMs, async () => {
      await this.run().then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err }, 'notification run failed; will retry'),
      );
    });
    return {
      stop: async () => {
        await periodic.stop();
        await this.draining?.catch(() => undefined);
      },
    };
  }

  list(userId: number, offset: number, limit: number): Promise<[Notification[], number]> {
    return this.store.listForUser(userId, offset, limit);
  }

  markAllRead(userId: number): Promise<void> {
    return this.store.markAllRead(userId, this.clock());
  }

  close(): void {
    this.mailer?.close();
  }
}
