import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Notifications to a token's owner (`notifications`): one row per notice, unique per
 * (token, kind, threshold), so every instance may insert a notice and only one row results; the
 * row is also the mail outbox (mail_state, attempts, next_attempt_at). And each user's language
 * for mail (`users.lang`), remembered from their last sign-in on the web pages.
 */
export class CreateNotifications1765000200000 implements MigrationInterface {
  name = 'CreateNotifications1765000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'notifications',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'user_id', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'token_id', type: 'integer' },
          { name: 'threshold_days', type: 'integer', default: 0 },
          { name: 'token_name', type: 'varchar', length: '100' },
          { name: 'token_last_four', type: 'varchar', length: '4' },
          { name: 'token_expires_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'scopes', type: 'text', isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'read_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'mail_state', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'sent_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_notification_once', columnNames: ['token_id', 'kind', 'threshold_days'], isUnique: true }),
          new TableIndex({ name: 'idx_notification_user', columnNames: ['user_id', 'created_at'] }),
          new TableIndex({ name: 'idx_notification_outbox', columnNames: ['mail_state', 'next_attempt_at'] }),
        ],
      }),
    );
    await q.addColumn('users', new TableColumn({ name: 'lang', type: 'varchar', length: '8', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('users', 'lang');
    await q.dropTable('notifications');
  }
}
