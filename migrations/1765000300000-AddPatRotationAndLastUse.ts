import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Rotation with a grace period (the replaced secret's digest and when it stops working), the
 * lifetime policy's start (when the current secret was issued), and richer last use (up to five
 * recent client addresses as a JSON array, the last User-Agent). Every column is nullable: NULL on
 * existing rows reads as "never rotated", "issued at creation", "no recorded addresses".
 */
export class AddPatRotationAndLastUse1765000300000 implements MigrationInterface {
  name = 'AddPatRotationAndLastUse1765000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('personal_access_tokens', [
      new TableColumn({ name: 'last_used_ips', type: 'text', isNullable: true }),
      new TableColumn({ name: 'last_used_user_agent', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'previous_token_digest', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'previous_hashed_token', type: 'varchar', length: '44', isNullable: true }),
      new TableColumn({ name: 'grace_ends_at', type: 'datetime', precision: 3, isNullable: true }),
      new TableColumn({ name: 'secret_issued_at', type: 'datetime', precision: 3, isNullable: true }),
    ]);
    await q.createIndex('personal_access_tokens', new TableIndex({ name: 'idx_pat_previous_digest', columnNames: ['previous_token_digest'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('personal_access_tokens', 'idx_pat_previous_digest');
    for (const column of ['secret_issued_at', 'grace_ends_at', 'previous_hashed_token', 'previous_token_digest', 'last_used_user_agent', 'last_used_ips']) {
      await q.dropColumn('personal_access_tokens', column);
    }
  }
}
