import type { MigrationInterface, QueryRunner } from 'typeorm';

/** [table, column, length, nullable]: every column something is looked up or joined by. */
const IDENTIFIERS: readonly [string, string, number, boolean][] = [
  ['users', 'username', 64, false],
  ['users', 'email', 254, false],
  ['oauth_applications', 'client_id', 64, false],
  ['personal_access_tokens', 'token_digest', 64, false],
  ['oidc_payloads', 'model', 40, false],
  ['oidc_payloads', 'id', 128, false],
  ['oidc_payloads', 'grant_id', 128, true],
  ['oidc_payloads', 'uid', 128, true],
  ['oidc_payloads', 'user_code', 64, true],
  ['oidc_payloads', 'account_id', 64, true],
  ['oidc_payloads', 'client_id', 64, true],
  ['web_sessions', 'id_digest', 64, false],
];

/** Binary collations that do not ignore trailing spaces (NO PAD), best first; utf8mb4_bin is the last resort. */
const EXACT_COLLATIONS = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin', 'utf8mb4_bin'];

/**
 * Identifiers compare byte for byte on MySQL/MariaDB, as they always did on SQLite. Under the
 * database's default collation (e.g. utf8mb4_unicode_ci) `CAROL`, `cárol` and `carol   ` all
 * found the row of `carol`, and an upper-cased client_id found its app. SQLite needs nothing:
 * its `=` is already binary.
 */
export class ExactIdentifierCollations1764600000000 implements MigrationInterface {
  name = 'ExactIdentifierCollations1764600000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'mysql') return;
    await alterIdentifiers(q, await exactCollation(q));
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'mysql') return;
    const [row] = (await q.query('SELECT DEFAULT_COLLATION_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()')) as { name: string }[];
    await alterIdentifiers(q, row?.name ?? 'utf8mb4_unicode_ci');
  }
}

/** The best exact (binary, NO PAD) collation this server has. */
export async function exactCollation(q: QueryRunner): Promise<string> {
  const rows = (await q.query(
    `SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (${EXACT_COLLATIONS.map(() => '?').join(', ')})`,
    EXACT_COLLATIONS,
  )) as { name: string }[];
  const available = new Set(rows.map((r) => r.name));
  return EXACT_COLLATIONS.find((name) => available.has(name)) ?? 'utf8mb4_bin';
}

async function alterIdentifiers(q: QueryRunner, collation: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(collation)) throw new Error(`unexpected collation name ${collation}`);
  for (const table of new Set(IDENTIFIERS.map(([t]) => t))) {
    const changes = IDENTIFIERS.filter(([t]) => t === table).map(
      ([, column, length, nullable]) => `MODIFY \`${column}\` varchar(${length}) CHARACTER SET utf8mb4 COLLATE ${collation} ${nullable ? 'NULL' : 'NOT NULL'}`,
    );
    await q.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
  }
}
