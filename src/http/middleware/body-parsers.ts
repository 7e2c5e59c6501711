import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import { assertIdentityEncoding } from '../content-encoding.js';

/**
 * Parses JSON bodies up to 1 MB; bigger → 413, malformed → 400, encoded → 415 (see error-handler).
 * Bodies of POST, PUT and PATCH, and of DELETE where `withDelete` (a token sent to be revoked: never in the URL).
 */
export function jsonBody(options: { withDelete?: boolean } = {}): Middleware {
  const parsedMethods = ['POST', 'PUT', 'PATCH', ...(options.withDelete ? ['DELETE'] : [])];
  return identityBody(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', parsedMethods }) as unknown as Middleware);
}

/** Parses HTML form posts (urlencoded) up to `limit` (e.g. '64kb'); encoded → 415. */
export function formBody(limit: string): Middleware {
  return identityBody(bodyParser({ enableTypes: ['form'], formLimit: limit }) as unknown as Middleware);
}

/** Refuses encoded bodies inside the route, so pages answer with their error page and the API with JSON. */
function identityBody(parse: Middleware): Middleware {
  return async function parseIdentityBody(ctx: Context, next) {
    assertIdentityEncoding(ctx.get('Content-Encoding'));
    return parse(ctx, next);
  };
}
