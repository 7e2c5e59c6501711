import { parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { createOutput, table } from '../output.js';
import { withContainer } from '../runtime.js';

const usage = 'tessera cleanup [--json]';

/**
 * `tessera cleanup`: purges expired rows now, as every server instance does periodically
 * (CLEANUP_INTERVAL_SECONDS); safe to run while servers run, and from cron when they do not.
 */
export const cleanupCommand: Command = {
  path: ['cleanup'],
  summary: 'Delete expired rows now (OAuth artifacts of every model, web sessions, security-log entries past their retention), in batches. Personal access tokens are kept.',
  usage,
  async run(args) {
    const { values } = parseCommand(args, {}, { min: 0, max: 0, usage });
    const report = await withContainer((c) => c.cleanup.run());
    const deleted = Object.values(report).reduce((sum, t) => sum + t.deleted, 0);
    createOutput(values.json).result({ deleted: report }, () =>
      [`Deleted ${deleted} expired row(s).`, table(Object.entries(report).map(([name, t]) => ({ table: name, ...t })), ['table', 'deleted', 'batches'])].join('\n'),
    );
  },
};
