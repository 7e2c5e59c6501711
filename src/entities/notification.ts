import { EntitySchema } from 'typeorm';
import { jsonArrayTransformer } from './columns.js';

export const NOTIFICATION_KINDS = ['token_expiring', 'token_expired', 'token_leaked', 'sensitive_scope'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** pending: to be mailed (at next_attempt_at); sent; failed: retries exhausted; none: no mail (no SMTP_URL). */
export type MailState = 'pending' | 'sent' | 'failed' | 'none';

/**
 * A notice to a token's owner, shown on the notifications page and, with SMTP_URL, mailed.
 * Unique per (token, kind, threshold): inserting it again is a no-op, so each is sent once.
 * Never a secret: the token is named, with its last four characters.
 */
export interface Notification {
  id: number;
  userId: number;
  kind: NotificationKind;
  tokenId: number;
  /** Days before expiry for token_expiring (30, 7, 1); 0 for the other kinds. */
  thresholdDays: number;
  tokenName: string;
  tokenLastFour: string;
  tokenExpiresAt: Date | null;
  /** The sensitive scopes, for sensitive_scope. */
  scopes: string[] | null;
  createdAt: Date;
  readAt: Date | null;
  mailState: MailState;
  attempts: number;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
}

export const NotificationEntity = new EntitySchema<Notification>({
  name: 'Notification',
  tableName: 'notifications',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    userId: { name: 'user_id', type: 'integer' },
    kind: { type: 'varchar', length: 32 },
    tokenId: { name: 'token_id', type: 'integer' },
    thresholdDays: { name: 'threshold_days', type: 'integer', default: 0 },
    tokenName: { name: 'token_name', type: 'varchar', length: 100 },
    tokenLastFour: { name: 'token_last_four', type: 'varchar', length: 4 },
    tokenExpiresAt: { name: 'token_expires_at', type: 'datetime', precision: 3, nullable: true },
    scopes: { type: 'text', nullable: true, transformer: jsonArrayTransformer },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
    readAt: { name: 'read_at', type: 'datetime', precision: 3, nullable: true },
    mailState: { name: 'mail_state', type: 'varchar', length: 16 },
    attempts: { type: 'integer', default: 0 },
    nextAttemptAt: { name: 'next_attempt_at', type: 'datetime', precision: 3, nullable: true },
    sentAt: { name: 'sent_at', type: 'datetime', precision: 3, nullable: true },
  },
  indices: [
    { name: 'uq_notification_once', columns: ['tokenId', 'kind', 'thresholdDays'], unique: true },
    { name: 'idx_notification_user', columns: ['userId', 'createdAt'] },
    { name: 'idx_notification_outbox', columns: ['mailState', 'nextAttemptAt'] },
  ],
});
