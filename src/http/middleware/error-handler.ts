import type { Middleware } from 'koa';
import { ApiError, asBackendUnavailable, message } from '../../errors.js';
import { requestLang } from '../../messages/index.js';
import type { Logger } from '../../logger.js';
import type { RequestState } from '../state.js';

/**
 * The single error exit: every failure leaves as `{"error", "error_description"}` with the
 * right status. Unknown errors become a logged 500 that tells the client nothing internal.
 * The description speaks the client's language (Accept-Language, or the pages' language cookie).
 */
export function errorHandler(logger: Logger): Middleware<RequestState> {
  return async function handleErrors(ctx, next) {
    try {
      await next();
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.status >= 500) logger.error({ err, requestId: ctx.state.requestId }, 'request failed');
      ctx.status = apiError.status;
      ctx.set('Cache-Control', 'no-store');
      for (const [name, value] of Object.entries(apiError.headers)) ctx.set(name, value);
      ctx.vary('Accept-Language');
      ctx.body = { error: apiError.code, error_description: apiError.describe(requestLang(ctx)) };
    }
  };
}

/** Any failure as the ApiError a client sees: known ones keep their status, the rest become a 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // The database or Redis did not answer: 503 with Retry-After, not a 500.
  const unavailable = asBackendUnavailable(err);
  if (unavailable) return unavailable.toApiError();
  const e = err as { status?: number; statusCode?: number; type?: string; code?: string; message?: string; expose?: boolean };
  const status = e.status ?? e.statusCode;
  // Errors raised by body parsing (raw-body / co-body) carry a status and a type.
  if (status === 413) return new ApiError(413, 'invalid_request', message('http.body_over_1mb'));
  if (status === 415) return new ApiError(415, 'invalid_request', message('http.unsupported_type'));
  if (e.type === 'entity.parse.failed' || (status === 400 && /JSON/i.test(e.message ?? ''))) {
    return new ApiError(400, 'invalid_request', message('http.bad_json'));
  }
  if (e.code === 'ER_DUP_ENTRY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new ApiError(409, 'conflict', message('http.conflict'));
  }
  if (status && status >= 400 && status < 500 && e.expose !== false) {
    return new ApiError(status, 'invalid_request', e.message ?? 'bad request');
  }
  return new ApiError(500, 'server_error', message('http.server_error'));
}
