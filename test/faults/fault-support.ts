import mysql from 'mysql2/promise';

/** Percentiles of request latencies (ms), for the fault suites' bounds and their printed summaries. */
export function latencyReport(ms: number[]): { p50: number; p99: number; max: number; text: string } {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : 0);
  const p50 = at(0.5);
  const p99 = at(0.99);
  const max = sorted.at(-1) ?? 0;
  return { p50, p99, max, text: `p50 ${p50} ms, p99 ${p99} ms, max ${max} ms` };
}

/**
 * Runs `body` while another session holds row locks (`SELECT … FOR UPDATE` in an open
 * transaction) on a MariaDB the test started itself; the transaction is rolled back afterwards.
 */
export async function whileRowsLocked(
  server: { port: number; database: string },
  select: string,
  params: unknown[],
  body: () => Promise<void>,
): Promise<void> {
  const locker = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', database: server.database });
  try {
    await locker.query('BEGIN');
    await locker.query(select, params);
    await body();
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
}
