import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAt, id, updatedAt } from './columns.js';

/** Users and their personal access tokens. */
export class CreateUsersAndPersonalAccessTokens1763900000000 implements MigrationInterface {
  name = 'CreateUsersAndPersonalAccessTokens1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'email', type: 'varchar', length: '254', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '128' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'is_admin', type: 'boolean', default: false },
          createdAt,
          updatedAt,
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'personal_access_tokens',
        columns: [
          id,
          { name: 'user_id', type: 'integer' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'description', type: 'varchar', length: '1000', isNullable: true },
          { name: 'scopes', type: 'text' },
          { name: 'token_digest', type: 'varchar', length: '64', isUnique: true },
          { name: 'token_last_four', type: 'varchar', length: '4' },
          { name: 'impersonation', type: 'boolean', default: false },
          { name: 'created_by_id', type: 'integer', isNullable: true },
          { name: 'ip_allowlist', type: 'text', isNullable: true },
          { name: 'expires_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'last_used_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'last_used_ip', type: 'varchar', length: '45', isNullable: true },
          { name: 'revoked_at', type: 'datetime', precision: 3, isNullable: true },
          createdAt,
          updatedAt,
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['created_by_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'SET NULL' }),
        ],
        indices: [new TableIndex({ name: 'idx_pat_user', columnNames: ['user_id', 'impersonation'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('personal_access_tokens');
    await q.dropTable('users');
  }
}
