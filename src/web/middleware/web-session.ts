import type { Context, Middleware } from 'koa';
import type { WebSessionService } from '../../services/web-session-service.js';
import type { RequestState } from '../../http/state.js';

export const SESSION_COOKIE = 'tessera.sid';
/** Header a script sends with the session's CSRF token to call the JSON API from a signed-in page. */
export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Finds the browser's session from its signed cookie (one database read, only when the
 * cookie is there). Sets `ctx.state.webSession` for the web pages, and `ctx.state.sessionUser`
 * for the JSON API — for unsafe methods only when the CSRF header matches, so a cross-site
 * form can never spend the session on the API.
 */
export function loadWebSession(sessions: WebSessionService): Middleware<RequestState> {
  return async function resumeWebSession(ctx, next) {
    const id = ctx.cookies.get(SESSION_COOKIE, { signed: true });
    if (id) {
      const session = await sessions.resume(id);
      if (session) {
        ctx.state.webSession = session;
        if (SAFE_METHODS.has(ctx.method) || sessions.checkCsrf(session, ctx.get(CSRF_HEADER))) {
          ctx.state.sessionUser = session.user;
        }
      } else {
        clearSessionCookie(ctx);
      }
    }
    return next();
  };
}

/** The cookie holds only the random id, signed with COOKIE_KEYS; Secure whenever the request is https. */
export function setSessionCookie(ctx: Context, id: string, expires: Date): void {
  ctx.cookies.set(SESSION_COOKIE, id, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', expires, overwrite: true });
}

export function clearSessionCookie(ctx: Context): void {
  ctx.cookies.set(SESSION_COOKIE, null, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', overwrite: true });
}
