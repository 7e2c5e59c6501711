import type { DataSource } from 'typeorm';
import type { DatabaseTimeouts } from '../config/index.js';

/** mysql2's own code for a query that timed out; errors.ts counts it as the database not answering. */
export const QUERY_TIMEOUT_CODE = 'PROTOCOL_SEQUENCE_TIMEOUT';
export const POOL_TIMEOUT_CODE = 'POOL_ACQUIRE_TIMEOUT';

type Callback = (err: Error | null, ...results: unknown[]) => void;

interface PooledConnection {
  query(...args: unknown[]): unknown;
  destroy(): void;
  release(): void;
}

interface ConnectionPool {
  getConnection(callback: (err: Error | null, connection?: PooledConnection) => void): void;
}

const bounded = Symbol('tessera.boundedQueries');

/**
 * Bounds every wait on MySQL/MariaDB, so that a database that stops answering (paused, a dead
 * network path) costs a request a known time and then a 503, never a hang. Connecting is bounded
 * by mysql2's `connectTimeout` (set in createDataSource); this adds the rest:
 *
 * - Waiting for a pooled connection: at most `connectMs`.
 * - A query: at most `queryMs` from when it is handed to its connection. mysql2's own `timeout`
 *   is not enough: it starts only when the query starts to run, so a query queued behind a hung
 *   one would wait without limit, and it leaves the hung connection in the pool. Here a query that
 *   times out destroys its connection, so the pool never hands that connection out again.
 *   (TypeORM's `maxQueryExecutionTime`, which would set mysql2's, also logs slow queries with their
 *   parameters on the console.)
 *
 * Applied after migrations, which may legitimately wait longer (the migration lock, DDL on large tables).
 * SQLite needs none of it: it runs in process.
 */
export function boundDatabaseWaits(dataSource: DataSource, timeouts: DatabaseTimeouts): void {
  const pool = (dataSource.driver as unknown as { pool?: ConnectionPool }).pool;
  if (!pool) return;
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = function getBoundedConnection(callback) {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      callback(fault(POOL_TIMEOUT_CODE, `no database connection became free within ${timeouts.connectMs} ms`));
    }, timeouts.connectMs);
    getConnection((err, connection) => {
      if (settled) {
        connection?.release(); // too late for the caller: back to the pool
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (err || !connection) callback(err);
      else callback(null, boundQueries(connection, timeouts.queryMs));
    });
  };
}

/** Wraps the connection's callback-style `query` (what TypeORM's promise wrapper calls) once. */
function boundQueries(connection: PooledConnection, queryMs: number): PooledConnection {
  const marked = connection as PooledConnection & { [bounded]?: true };
  if (marked[bounded]) return connection;
  marked[bounded] = true;
  const query = connection.query;
  connection.query = function boundedQuery(this: PooledConnection, ...args: unknown[]) {
    const callback = args.at(-1);
    if (typeof callback !== 'function') return query.apply(this, args);
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      // Nothing more can be read from it in order: it must never serve another query.
      connection.destroy();
      (callback as Callback)(fault(QUERY_TIMEOUT_CODE, `the query did not finish within ${queryMs} ms`));
    }, queryMs);
    args[args.length - 1] = (err: Error | null, ...results: unknown[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      (callback as Callback)(err, ...results);
    };
    return query.apply(this, args);
  };
  return connection;
}

function fault(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
