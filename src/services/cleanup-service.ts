import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { runPeriodically, type PeriodicRun } from './periodic.js';

/** A table whose expired rows can be deleted a batch at a time. */
export interface ExpiringRows {
  /** The table's name, for logs and the CLI. */
  readonly name: string;
  /**
   * Finds up to `limit` rows that expired by `now` and deletes them by primary key: short
   * statements that lock only the rows they delete, so instances may run this at the same
   * time. `deleted` counts only what this call removed (not rows another instance took first).
   */
  deleteExpired(now: Date, limit: number): Promise<ExpiredBatch>;
}

/** One batch: how many expired rows were found, and how many of them this call deleted. */
export interface ExpiredBatch {
  found: number;
  deleted: number;
}

/** What one run deleted, per table. */
export type CleanupReport = Record<string, { deleted: number; batches: number }>;

/** The periodic run: `stop()` cancels the next one and waits for the one under way. */
export type CleanupSchedule = PeriodicRun;

/**
 * Purges expired rows (OAuth artifacts of every model, web sessions, security-log entries past
 * their retention) in bounded batches.
 * Never personal access tokens: expired and revoked ones stay listed for their owners (with
 * PAT_MAX_IDLE_DAYS set, one entry revokes idle tokens instead: PatService.revokeIdle).
 * Runs periodically in every instance (see schedule) and on demand (`tessera cleanup`).
 */
export class CleanupService {
  private running: Promise<CleanupReport> | null = null;

  constructor(
    private readonly tables: readonly ExpiringRows[],
    private readonly clock: Clock,
    private readonly batchSize: number,
  ) {}

  /** Deletes every row expired by now, a batch at a time; one run at a time per instance. */
  run(): Promise<CleanupReport> {
    this.running ??= this.purge().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async purge(): Promise<CleanupReport> {
    const now = this.clock();
    const report: CleanupReport = {};
    for (const table of this.tables) {
      const counts = { deleted: 0, batches: 0 };
      // Every batch found is gone afterwards (by this instance or another), so this ends.
      for (;;) {
        const { found, deleted } = await table.deleteExpired(now, this.batchSize);
        counts.batches++;
        counts.deleted += deleted;
        if (found < this.batchSize) break;
      }
      report[table.name] = counts;
    }
    return report;
  }

  /**
   * Runs every `intervalMs`, the first time after a random part of it, so that instances
   * started together do not purge in step. Failures are logged and retried next time.
   */
  schedule(intervalMs: number, logger: Logger): CleanupSchedule {
    return runPeriodically(intervalMs, async () => {
      try {
        const report = await this.run();
        const deleted = Object.values(report).reduce((sum, t) => sum + t.deleted, 0);
        if (deleted) logger.info({ cleanup: report }, 'purged expired rows');
      } catch (err) {
        logger.warn({ err }, 'purging expired rows failed; will retry');
      }
    });
  }
}
