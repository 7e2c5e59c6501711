import { parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { createOutput } from '../output.js';
import { withContainer } from '../runtime.js';

const usage = 'tessera notify run [--json]';

/**
 * `tessera notify run`: the expiry scan and the mail due now, as every server instance does every
 * NOTIFY_INTERVAL_SECONDS; safe alongside running servers (each notice is stored and mailed once).
 */
export const notifyRunCommand: Command = {
  path: ['notify', 'run'],
  summary: 'Scan for tokens nearing or past expiry and send the notification mail due now. Safe while servers run.',
  usage,
  async run(args) {
    const { values } = parseCommand(args, {}, { min: 0, max: 0, usage });
    const report = await withContainer((c) => c.notifications.run());
    createOutput(values.json).result(report, () =>
      [
        report.scanned ? `Added ${report.added} notification(s).` : 'Another instance is scanning; no scan this time.',
        `Mail: ${report.sent} sent, ${report.retried} to retry, ${report.failed} failed.`,
      ].join('\n'),
    );
  },
};
