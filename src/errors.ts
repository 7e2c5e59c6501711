/**
 * An error that is an OAuth-style answer: a code, a description and an HTTP status.
 * The error-handler middleware is the one place that turns it into a response.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    /** Extra response headers, e.g. WWW-Authenticate. */
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(description);
  }
}

export const invalidRequest = (description: string) => new ApiError(400, 'invalid_request', description);
export const invalidScope = (description: string) => new ApiError(400, 'invalid_scope', description);
export const notFound = (what = 'resource') => new ApiError(404, 'not_found', `${what} not found`);
export const forbidden = (description: string) => new ApiError(403, 'access_denied', description);

/** Seconds a client is asked to wait (Retry-After) when a backend does not answer. */
export const BACKEND_RETRY_AFTER_SECONDS = 2;

/**
 * The database or Redis did not answer (in time, or at all). Every door answers it with
 * `503 temporarily_unavailable` and Retry-After, never a 500: the app's error handler, the
 * introspection endpoint, and for oidc-provider's own endpoints its `server_error` event (see
 * src/oidc/provider.ts), which the provider emits for it as for any unexposed error.
 */
export class BackendUnavailable extends Error {
  override name = 'BackendUnavailable';
  /** The status oidc-provider's error handler gives it (the body is set in its server_error event). */
  readonly statusCode = 503;
  constructor(
    readonly backend: 'database' | 'redis',
    detail: string,
  ) {
    super(`${backend} unavailable: ${detail}`);
  }

  /** The answer every door gives: 503 temporarily_unavailable with Retry-After. */
  toApiError(): ApiError {
    const what = this.backend === 'database' ? 'the database' : 'the shared cache';
    return new ApiError(503, 'temporarily_unavailable', `${what} is not answering; try again in ${BACKEND_RETRY_AFTER_SECONDS} seconds`, {
      'Retry-After': String(BACKEND_RETRY_AFTER_SECONDS),
    });
  }
}

/** Driver error codes that mean "the database did not answer", not "the query was wrong". */
const DATABASE_FAULT_CODES = new Set([
  'PROTOCOL_SEQUENCE_TIMEOUT', // a query timed out (DATABASE_QUERY_TIMEOUT_MS, src/db/database-timeouts.ts)
  'POOL_ACQUIRE_TIMEOUT', // no pooled connection became free (DATABASE_CONNECT_TIMEOUT_MS)
  'ETIMEDOUT', // mysql2: connecting timed out (DATABASE_CONNECT_TIMEOUT_MS)
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_STATEMENT_TIMEOUT',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
]);

/** ioredis's own failures outside the breaker (a dropped connection, its command timeout). */
const REDIS_FAULT = /^(Command timed out|Connection is closed|Stream isn't writeable|Reached the max retries per request limit)/;

/**
 * The failure as a BackendUnavailable if it means a backend did not answer (a driver's
 * connection or timeout error, a Redis outage), else undefined. TypeORM's QueryFailedError
 * carries the driver's code itself and as `driverError`.
 */
export function asBackendUnavailable(err: unknown): BackendUnavailable | undefined {
  if (err instanceof BackendUnavailable) return err;
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { code?: unknown; fatal?: unknown; driverError?: { code?: unknown; fatal?: unknown } };
  const code = e.code ?? e.driverError?.code;
  if (typeof code === 'string' && DATABASE_FAULT_CODES.has(code)) return new BackendUnavailable('database', code);
  // mysql2 refuses commands on a connection that died (no code, only `fatal`).
  if ((e.fatal ?? e.driverError?.fatal) === true) return new BackendUnavailable('database', e.message);
  if (e.name === 'MaxRetriesPerRequestError' || REDIS_FAULT.test(e.message)) return new BackendUnavailable('redis', e.message);
  return undefined;
}
