import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../../logger.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives each request an id (the caller's X-Request-Id if it is sane) and logs one line
 * when it ends. The line names the path only: no query string, headers or body,
 * because those may carry tokens or passwords.
 */
export function requestContext(logger: Logger): Middleware {
  // The line's fields are fixed and safe, so it skips the redaction pass: on the hot path
  // that pass costs several times more than writing the line itself.
  const requestLog = logger.child({}, { redact: { paths: [] } });
  return async function logRequest(ctx, next) {
    const incoming = ctx.get('X-Request-Id');
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      requestLog.info(
        { requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10, ip: ctx.ip },
        'request',
      );
    }
  };
}
