import type { Middleware } from 'koa';
import type { Logger } from '../../logger.js';
import type { RequestState } from '../state.js';
import { createRequestLog, requestIdFor } from '../request-log.js';

/**
 * Gives each request an id (the caller's X-Request-Id if it is sane) and logs one line
 * when it ends, naming the path only.
 */
export function requestContext(logger: Logger): Middleware<RequestState> {
  const log = createRequestLog(logger);
  return async function logRequest(ctx, next) {
    const requestId = requestIdFor(ctx.req.headers['x-request-id']);
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      log({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, ip: ctx.ip, started });
    }
  };
}
