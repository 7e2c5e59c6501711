import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { exactCollation } from './1764600000000-ExactIdentifierCollations.js';

/**
 * The security log (`security_events`), and each personal access token's public hash
 * (base64 of SHA-256 of the token string, as GitHub's audit log shows it), so events about a
 * token found by its record id carry the same `hashed_token` as those found by its string.
 * Both hashes are looked up exactly: binary collation on MySQL/MariaDB (base64 is case-sensitive).
 */
export class CreateSecurityLog1765000000000 implements MigrationInterface {
  name = 'CreateSecurityLog1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'security_events',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'occurred_at', type: 'datetime', precision: 3 },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'user_name', type: 'varchar', length: '64', isNullable: true },
          { name: 'actor_id', type: 'integer', isNullable: true },
          { name: 'actor_name', type: 'varchar', length: '64', isNullable: true },
          { name: 'token_id', type: 'integer', isNullable: true },
          { name: 'token_kind', type: 'varchar', length: '32', isNullable: true },
          { name: 'hashed_token', type: 'varchar', length: '44', isNullable: true },
          { name: 'client_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '255', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_security_event_user', columnNames: ['user_id', 'occurred_at'] }),
          new TableIndex({ name: 'idx_security_event_hashed_token', columnNames: ['hashed_token'] }),
          new TableIndex({ name: 'idx_security_event_occurred', columnNames: ['occurred_at'] }),
        ],
      }),
    );
    await q.addColumn('personal_access_tokens', new TableColumn({ name: 'hashed_token', type: 'varchar', length: '44', isNullable: true }));
    await q.createIndex('personal_access_tokens', new TableIndex({ name: 'idx_pat_hashed_token', columnNames: ['hashed_token'] }));
    if (q.connection.options.type === 'mysql') {
      const collation = await exactCollation(q);
      if (!/^[a-z0-9_]+$/.test(collation)) throw new Error(`unexpected collation name ${collation}`);
      await q.query(`ALTER TABLE \`security_events\` MODIFY \`hashed_token\` varchar(44) CHARACTER SET utf8mb4 COLLATE ${collation} NULL`);
      await q.query(`ALTER TABLE \`personal_access_tokens\` MODIFY \`hashed_token\` varchar(44) CHARACTER SET utf8mb4 COLLATE ${collation} NULL`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('personal_access_tokens', 'idx_pat_hashed_token');
    await q.dropColumn('personal_access_tokens', 'hashed_token');
    await q.dropTable('security_events');
  }
}
