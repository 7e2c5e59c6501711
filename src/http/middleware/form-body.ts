import type { Middleware } from 'koa';
import { ApiError, invalidRequest } from '../../errors.js';

/**
 * Parses an `application/x-www-form-urlencoded` body (the OAuth endpoints' format) into a flat
 * object of strings with URLSearchParams, refusing repeated parameters (RFC 6749 §3.1) and
 * bodies over `limitBytes` (413). Lighter than the general body parser: it runs on the
 * introspection hot path. Other content types leave an empty body for validation to reject.
 */
export function formBody(limitBytes: number): Middleware {
  return async function parseFormBody(ctx, next) {
    ctx.request.body = {};
    if (ctx.request.type !== 'application/x-www-form-urlencoded') return next();
    if (Number(ctx.get('Content-Length')) > limitBytes) throw tooLarge(limitBytes);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) throw tooLarge(limitBytes);
      chunks.push(chunk);
    }
    const body: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(Buffer.concat(chunks, size).toString('utf8'))) {
      if (Object.hasOwn(body, key)) throw invalidRequest(`${key}: parameters must not be repeated`);
      body[key] = value;
    }
    ctx.request.body = body;
    return next();
  };
}

const tooLarge = (limit: number) => new ApiError(413, 'invalid_request', `request body larger than ${limit} bytes`);
