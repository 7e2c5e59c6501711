import type { Middleware } from 'koa';
import { ApiError } from '../../errors.js';
import type { PasswordSignIn, SignInResult } from '../../security/password-sign-in.js';
import { parseAuthorization } from '../credentials.js';

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="tessera", charset="UTF-8"' };

/**
 * Account-management routes: the user must prove who they are with their password
 * (HTTP Basic, as Forgejo does) or a signed-in web session. A token is never enough,
 * so a leaked PAT or OAuth token cannot mint or manage tokens.
 */
export function authenticateUser(signIn: PasswordSignIn): Middleware {
  return async function authenticateWithPassword(ctx, next) {
    if (ctx.state.sessionUser) {
      ctx.state.user = ctx.state.sessionUser;
      return next();
    }
    const credentials = parseAuthorization(ctx.get('Authorization') || undefined);
    if (credentials.scheme === 'bearer') {
      throw new ApiError(401, 'invalid_client', 'tokens cannot manage tokens; authenticate with your username and password', CHALLENGE);
    }
    if (credentials.scheme !== 'basic') {
      throw new ApiError(401, 'invalid_client', 'authentication required: HTTP Basic with your username and password', CHALLENGE);
    }
    const result = await signIn.signIn(credentials.username, credentials.password, ctx.ip);
    if (result.outcome !== 'signed-in') throw signInRefused(result);
    ctx.state.user = result.user;
    return next();
  };
}

/** A failed sign-in as the API's answer: 401 with the Basic challenge, 429 or 503 with Retry-After. */
function signInRefused(result: Exclude<SignInResult, { outcome: 'signed-in' }>): ApiError {
  switch (result.outcome) {
    case 'wrong':
      return new ApiError(401, 'invalid_client', 'wrong username or password', CHALLENGE);
    case 'throttled':
      return new ApiError(429, 'slow_down', `too many sign-in attempts; try again in ${result.retryAfterSeconds} seconds`, {
        'Retry-After': String(result.retryAfterSeconds),
      });
    case 'busy':
      return new ApiError(503, 'temporarily_unavailable', `the server is busy checking passwords; try again in ${result.retryAfterSeconds} seconds`, {
        'Retry-After': String(result.retryAfterSeconds),
      });
  }
}

/** Lets only administrators through; the user must already be authenticated. */
export const requireAdmin: Middleware = async function requireAdmin(ctx, next) {
  if (!ctx.state.user?.isAdmin) throw new ApiError(403, 'access_denied', 'administrator rights are required');
  return next();
};
