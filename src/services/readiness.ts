import type { DataSource } from 'typeorm';

/** What each dependency answered: `database`, and `redis` when there is one. */
export type ReadinessChecks = Record<string, 'ok' | 'down'>;

const CHECK_TIMEOUT_MS = 1000;

/**
 * Whether the database and Redis answer within a second. One definition for /readyz and for the
 * `tessera_dependency_up` metric, so both always say the same thing.
 */
export class Readiness {
  constructor(
    private readonly dataSource: Pick<DataSource, 'query'>,
    /** Redis as the revocation cache reaches it; null when there is no Redis. */
    private readonly redis: { ping(): Promise<void> } | null,
  ) {}

  async check(): Promise<ReadinessChecks> {
    const [database, redis] = await Promise.all([probe(() => this.dataSource.query('SELECT 1')), this.redis && probe(() => this.redis!.ping())]);
    return redis ? { database, redis } : { database };
  }
}

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
