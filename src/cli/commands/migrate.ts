import { loadConfig } from '../../config/index.js';
import { createDataSource, runMigrations } from '../../db/data-source.js';
import { parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { createOutput } from '../output.js';

const usage = 'tessera migrate [--json]';

/** `tessera migrate`: applies pending migrations, as every server start also does. */
export const migrateCommand: Command = {
  path: ['migrate'],
  summary: 'Apply pending database migrations (the server also does this when it starts).',
  usage,
  async run(args) {
    const { values } = parseCommand(args, {}, { min: 0, max: 0, usage });
    const config = loadConfig();
    const dataSource = createDataSource(config);
    await dataSource.initialize();
    try {
      const applied = await runMigrations(dataSource);
      createOutput(values.json).result({ applied }, () =>
        applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}`).join('\n')}` : 'The database is up to date.',
      );
    } finally {
      await dataSource.destroy();
    }
  },
};
