import cors from '@koa/cors';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { API_EXPOSED_HEADERS, type OriginPolicy } from '../../security/cors-origins.js';
import type { RequestState } from '../state.js';

/** Request headers a cross-origin page may send to the JSON API (not X-CSRF-Token: no session there). */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Accept-Language', 'X-Request-Id'];
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'];

/**
 * CORS for the JSON API (`/api/…`): pages of an allowed origin (CORS_ORIGINS) may call it with
 * a token or a password in `Authorization`, and read the answer and the headers of
 * API_EXPOSED_HEADERS. Credentials are never allowed cross-origin: no
 * Access-Control-Allow-Credentials, so browsers neither attach nor expose cookies (and
 * `sameOriginSession` ignores a session cookie that arrives anyway). `OPTIONS` on an API route
 * answers 204 with `Allow`: with the CORS headers for a preflight from an allowed origin, without
 * them otherwise (the browser then refuses the request).
 */
export function apiCors(allowed: OriginPolicy, routers: Router[]): Middleware {
  const corsHeaders = cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return origin && allowed(origin) ? origin : '';
    },
    credentials: false,
    allowMethods: ALLOWED_METHODS,
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: API_EXPOSED_HEADERS,
    maxAge: 3600,
    keepHeadersOnError: false, // errorHandler keeps headers already set
  }) as unknown as Middleware;

  return async function apiCrossOrigin(ctx, next) {
    if (!ctx.path.startsWith('/api/')) return next();
    if (ctx.method !== 'OPTIONS') return corsHeaders(ctx, next);
    const methods = methodsFor(routers, ctx.path);
    if (!methods.length) return next(); // no such route: the usual 404, preflight or not
    ctx.set('Allow', [...methods, 'OPTIONS'].join(', '));
    return corsHeaders(ctx, async () => {
      ctx.status = 204; // a plain OPTIONS, or a preflight from an origin not allowed
    });
  };
}

/** The methods the API routers answer at `path` (empty when no route matches it). */
function methodsFor(routers: Router[], path: string): string[] {
  const methods = new Set<string>();
  for (const router of routers) {
    for (const layer of router.match(path, 'OPTIONS').path) for (const method of layer.methods) methods.add(method);
  }
  return [...methods];
}

/**
 * The browser's web session authenticates same-origin requests only: on a request whose `Origin`
 * is another site's, the JSON API ignores it (as if there were no cookie), so no other page can
 * act with the signed-in user's session, whatever the browser sends.
 */
export function sameOriginSession(issuer: string): Middleware<RequestState> {
  const issuerOrigin = new URL(issuer).origin;
  return async function ignoreCrossOriginSession(ctx, next) {
    const origin = ctx.get('Origin');
    if (!origin || !ctx.state.sessionUser || !ctx.path.startsWith('/api/')) return next();
    // Koa 3's ctx.origin is the Origin header itself: the request's own origin is spelled out.
    if (origin !== issuerOrigin && origin !== `${ctx.protocol}://${ctx.host}`) ctx.state.sessionUser = undefined;
    return next();
  };
}
