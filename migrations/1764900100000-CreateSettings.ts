import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { updatedAt } from './columns.js';

/**
 * Named settings the server keeps in the database, e.g. the issuance policy it enforces
 * (`issuance_policy`), so that the CLI, run with another environment, follows the same rules.
 */
export class CreateSettings1764900100000 implements MigrationInterface {
  name = 'CreateSettings1764900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'settings',
        columns: [{ name: 'name', type: 'varchar', length: '64', isPrimary: true }, { name: 'value', type: 'text' }, updatedAt],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('settings');
  }
}
