import { renderMessage, type FieldLabel, type Lang, type Message, type MessageKey, type MessageParams } from './messages/index.js';

/**
 * An error that is an OAuth-style answer: a code, a description and an HTTP status.
 * The error-handler middleware is the one place that turns it into a response.
 *
 * The description is either a plain (English) string or a Message — a stable key with its
 * parameters and field — which each door renders in the reader's language (`describe`).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  /** The description in English: logs, and doors that speak only English. */
  readonly description: string;
  /** The description as a key and parameters, when it has one. */
  readonly detail: Message | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    description: string | Message,
    /** Extra response headers, e.g. WWW-Authenticate. */
    readonly headers: Record<string, string | string[]> = {},
  ) {
    const english = typeof description === 'string' ? description : renderMessage(description, 'en');
    super(english);
    this.description = english;
    this.detail = typeof description === 'string' ? undefined : description;
  }

  /** The description in `lang`, naming its field with `label` (a form label, a CLI flag) when given. */
  describe(lang: Lang, label?: FieldLabel): string {
    return this.detail ? renderMessage(this.detail, lang, label) : this.description;
  }
}

/** A message about the request as a whole, or about one field of it. */
export const message = (key: MessageKey, params?: MessageParams, field?: string): Message => ({ key, ...(params ? { params } : {}), ...(field ? { field } : {}) });

export const invalidRequest = (description: string | Message) => new ApiError(400, 'invalid_request', description);
/** A 400 about one input field: `invalidField('name', 'v.empty')` reads "name: must not be empty". */
export const invalidField = (field: string, key: MessageKey, params?: MessageParams) => invalidRequest(message(key, params, field));
export const invalidScope = (description: string | Message) => new ApiError(400, 'invalid_scope', description);
export const notFound = (what: 'resource' | 'user' | 'token' | 'application' | 'authorization' = 'resource') =>
  new ApiError(404, 'not_found', message(`not_found.${what}`));
export const forbidden = (description: string | Message) => new ApiError(403, 'access_denied', description);

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
    return new ApiError(503, 'temporarily_unavailable', message(`backend.${this.backend}_unavailable`, { seconds: BACKEND_RETRY_AFTER_SECONDS }), {
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
