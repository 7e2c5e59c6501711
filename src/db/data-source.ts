import fs from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type { Config } from '../config/index.js';
import { entities } from '../entities/index.js';
import { migrations } from '../../migrations/index.js';

/** MySQL/MariaDB when DATABASE_URL is set, otherwise SQLite in DATA_DIR. Never synchronize. */
export function createDataSource(config: Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'databaseTimeouts'>>): DataSource {
  if (config.databaseUrl) {
    return new DataSource({
      type: 'mysql',
      url: config.databaseUrl,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      // mysql2's own bound on opening a connection (the rest: boundDatabaseWaits, after migrations).
      ...(config.databaseTimeouts ? { connectTimeout: config.databaseTimeouts.connectMs } : {}),
      entities,
      migrations,
      migrationsRun: false,
      synchronize: false,
      extra: { connectionLimit: 20 },
    });
  }
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return new DataSource({
    type: 'better-sqlite3',
    database: path.join(config.dataDir, 'tessera.sqlite'),
    enableWAL: true,
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
  });
}

/**
 * Runs pending migrations. On MySQL a named lock makes instances that start together
 * take turns instead of racing on the same DDL.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const isMysql = dataSource.options.type === 'mysql';
  if (!isMysql) return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  const runner = dataSource.createQueryRunner();
  try {
    const [row] = (await runner.query("SELECT GET_LOCK('tessera_migrations', 120) AS got")) as { got: number }[];
    if (Number(row?.got) !== 1) throw new Error('timed out waiting for the migration lock held by another instance');
    // MySQL commits DDL implicitly, so per-migration transactions buy nothing there.
    return (await dataSource.runMigrations({ transaction: 'none' })).map((m) => m.name);
  } finally {
    await runner.query("SELECT RELEASE_LOCK('tessera_migrations')").catch(() => undefined);
    await runner.release();
  }
}

/**
 * A counter SQLite bumps whenever another connection — another process, such as the
 * `tessera` CLI — commits to the database file; this process's own writes leave it alone.
 * Null for MySQL, where Redis carries revocations between processes.
 */
export function sqliteExternalWrites(dataSource: DataSource): (() => number) | null {
  if (dataSource.options.type !== 'better-sqlite3') return null;
  const statement = (dataSource.driver as unknown as { databaseConnection: BetterSqliteDatabase }).databaseConnection
    .prepare('PRAGMA data_version')
    .pluck();
  return () => Number(statement.get());
}

interface BetterSqliteDatabase {
  prepare(sql: string): { pluck(): { get(): unknown } };
}
