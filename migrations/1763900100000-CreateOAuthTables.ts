import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createdAt, id, updatedAt } from './columns.js';

/** OAuth apps (oidc-provider clients) and the provider's stored artifacts (grants, sessions, tokens, …). */
export class CreateOAuthTables1763900100000 implements MigrationInterface {
  name = 'CreateOAuthTables1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'oauth_applications',
        columns: [
          id,
          { name: 'client_id', type: 'varchar', length: '64', isUnique: true },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'homepage_url', type: 'varchar', length: '2000', isNullable: true },
          { name: 'redirect_uris', type: 'text' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'grant_types', type: 'text' },
          { name: 'scopes', type: 'text', isNullable: true },
          { name: 'introspection', type: 'boolean', default: false },
          { name: 'secret_digest', type: 'varchar', length: '64', isNullable: true },
          { name: 'secret_last_four', type: 'varchar', length: '4', isNullable: true },
          createdAt,
          updatedAt,
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
        indices: [new TableIndex({ name: 'idx_oauth_app_user', columnNames: ['user_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oidc_payloads',
        columns: [
          { name: 'model', type: 'varchar', length: '40', isPrimary: true },
          { name: 'id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'payload', type: 'text' },
          { name: 'grant_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'uid', type: 'varchar', length: '128', isNullable: true },
          { name: 'user_code', type: 'varchar', length: '64', isNullable: true },
          { name: 'account_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'client_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'expires_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'consumed_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'last_used_at', type: 'datetime', precision: 3, isNullable: true },
          createdAt,
        ],
        indices: [
          new TableIndex({ name: 'idx_oidc_grant', columnNames: ['grant_id'] }),
          new TableIndex({ name: 'idx_oidc_uid', columnNames: ['uid'] }),
          new TableIndex({ name: 'idx_oidc_user_code', columnNames: ['user_code'] }),
          new TableIndex({ name: 'idx_oidc_account', columnNames: ['account_id', 'model'] }),
          new TableIndex({ name: 'idx_oidc_client', columnNames: ['client_id'] }),
          new TableIndex({ name: 'idx_oidc_expires', columnNames: ['expires_at'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('oidc_payloads');
    await q.dropTable('oauth_applications');
  }
}
