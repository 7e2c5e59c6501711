import type { Middleware } from 'koa';
import { ApiError, message } from '../../errors.js';
import type { PasswordSignIn, SignInResult } from '../../security/password-sign-in.js';
import { parseAuthorization } from '../credentials.js';
import type { UserState } from '../state.js';

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="tessera", charset="UTF-8"' };

/**
 * Account-management routes: the user must prove who they are with their password
 * (HTTP Basic, as Forgejo does) or a signed-in web session. A token is never enough,
 * so a leaked PAT or OAuth token cannot mint or manage tokens.
 */
export function authenticateUser(signIn: PasswordSignIn): Middleware<UserState> {
  return async function authenticateWithPassword(ctx, next) {
    if (ctx.state.sessionUser) {
      ctx.state.user = ctx.state.sessionUser;
      return next();
    }
    const credentials = parseAuthorization(ctx.get('Authorization') || undefined);
    if (credentials.scheme === 'bearer' || credentials.scheme === 'dpop') {
      throw new ApiError(401, 'invalid_credentials', message('auth.tokens_cannot_manage'), CHALLENGE);
    }
    if (credentials.scheme !== 'basic') {
      throw new ApiError(401, 'invalid_credentials', message('auth.basic_required'), CHALLENGE);
    }
    const result = await signIn.signIn(credentials.username, credentials.password, ctx.ip, { door: 'api', userAgent: ctx.get('User-Agent') || undefined });
    if (result.outcome !== 'signed-in') throw signInRefused(result);
    ctx.state.user = result.user;
    return next();
  };
}

/** A failed sign-in as the API's answer: 401 with the Basic challenge, 429 or 503 with Retry-After. */
function signInRefused(result: Exclude<SignInResult, { outcome: 'signed-in' }>): ApiError {
  switch (result.outcome) {
    case 'wrong':
      return new ApiError(401, 'invalid_credentials', message('auth.wrong_password'), CHALLENGE);
    case 'throttled':
      return new ApiError(429, 'slow_down', message('auth.throttled', { seconds: result.retryAfterSeconds }), {
        'Retry-After': String(result.retryAfterSeconds),
      });
    case 'busy':
      return new ApiError(503, 'temporarily_unavailable', message('auth.busy', { seconds: result.retryAfterSeconds }), {
        'Retry-After': String(result.retryAfterSeconds),
      });
  }
}

/** Lets only administrators through; the user must already be authenticated. */
export const requireAdmin: Middleware<UserState> = async function requireAdmin(ctx, next) {
  if (!ctx.state.user.isAdmin) throw new ApiError(403, 'access_denied', message('auth.admin_required'));
  return next();
};
