import { loadConfig } from '../../src/config/index.js';
import { createDataSource, runMigrations } from '../../src/db/data-source.js';
import { migrations } from '../../migrations/index.js';
import { createTestEnvironment, type TestEnvironment } from '../support/harness.js';

/**
 * Migrations are timestamped, listed oldest first, and reversible: each one's `down` undoes its
 * `up` on this database (SQLite in embedded mode, MariaDB in production mode), and `up` runs
 * again cleanly afterwards.
 */
describe('migrations', () => {
  let environment: TestEnvironment;

  beforeAll(async () => {
    environment = await createTestEnvironment();
  });
  afterAll(() => environment.destroy());

  it('are named <timestamp>-<PascalName>, listed in time order, with unique timestamps', () => {
    const stamps = migrations.map((m) => {
      expect(m.name).toMatch(/^[A-Z][A-Za-z0-9]+\d{13}$/);
      return Number(m.name.slice(-13));
    });
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(new Set(stamps).size).toBe(stamps.length);
  });

  it('undo one by one down to nothing, then apply again', async () => {
    const dataSource = createDataSource(loadConfig(environment.env));
    await dataSource.initialize();
    try {
      expect(await runMigrations(dataSource)).toHaveLength(migrations.length);
      const inspect = async <T>(look: (runner: ReturnType<typeof dataSource.createQueryRunner>) => Promise<T>): Promise<T> => {
        const runner = dataSource.createQueryRunner();
        try {
          return await look(runner);
        } finally {
          await runner.release();
        }
      };
      const columns = (table: string) => inspect(async (q) => ((await q.getTable(table))?.columns ?? []).map((c) => c.name));
      expect(await columns('oauth_applications')).toContain('post_logout_redirect_uris');

      for (let left = migrations.length; left > 0; left--) {
        await dataSource.undoLastMigration({ transaction: 'each' });
        const executed = (await dataSource.query('SELECT name FROM migrations')) as { name: string }[];
        expect(executed.map((r) => r.name)).toEqual(migrations.slice(0, left - 1).map((m) => new m().name));
        if (left - 1 === migrations.findIndex((m) => m.name.startsWith('AddPostLogoutRedirectUris'))) {
          expect(await columns('oauth_applications')).not.toContain('post_logout_redirect_uris');
        }
      }
      for (const table of ['users', 'oauth_applications', 'web_sessions', 'settings']) expect([table, await inspect((q) => q.hasTable(table))]).toEqual([table, false]);
      expect(await runMigrations(dataSource)).toHaveLength(migrations.length);
      expect(await columns('oauth_applications')).toContain('post_logout_redirect_uris');
      expect(await inspect((q) => q.hasTable('settings'))).toBe(true);
    } finally {
      await dataSource.destroy();
    }
  }, 120_000);
});
