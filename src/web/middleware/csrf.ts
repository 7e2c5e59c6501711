import { randomBytes } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { ApiError, message } from '../../errors.js';
import { tokensEqual } from '../../security/tokens-equal.js';
import type { RequestState } from '../../http/state.js';

/** Holds the synchronizer token of the sign-in form, before there is a session. */
export const LOGIN_CSRF_COOKIE = 'tessera.login_csrf';

export const csrfRejected = () => new ApiError(403, 'csrf_failed', message('auth.csrf'));

/**
 * Refuses any unsafe request whose `_csrf` field does not match the session's token
 * (or, signed out, the sign-in form's cookie). Constant-time compare.
 */
export const requireCsrf: Middleware<RequestState> = async function verifyCsrfToken(ctx, next) {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return next();
  const presented = (ctx.request.body as Record<string, unknown> | undefined)?._csrf;
  const expected = ctx.state.webSession?.csrfToken ?? ctx.cookies.get(LOGIN_CSRF_COOKIE, { signed: true });
  if (!expected || !tokensEqual(expected, presented)) throw csrfRejected();
  return next();
};

/** The sign-in form's token: reuses the cookie's if there is one, so several open tabs all work. */
export function loginCsrfToken(ctx: Context): string {
  const existing = ctx.cookies.get(LOGIN_CSRF_COOKIE, { signed: true });
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  ctx.cookies.set(LOGIN_CSRF_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/login', overwrite: true });
  return token;
}
