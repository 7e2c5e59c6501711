import type { Middleware } from 'koa';
import { ApiError, message } from '../../errors.js';
import type { LoginThrottle } from '../../security/login-throttle.js';
import type { UserService } from '../../services/user-service.js';
import { parseAuthorization } from '../credentials.js';

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="tessera", charset="UTF-8"' };

/**
 * Account-management routes: the user must prove who they are with their password
 * (HTTP Basic, as Forgejo does) or a signed-in web session. A token is never enough,
 * so a leaked PAT or OAuth token cannot mint or manage tokens.
 */
export function authenticateUser(users: UserService, throttle: LoginThrottle): Middleware {
  return async function authenticateWithPassword(ctx, next) {
    if (ctx.state.sessionUser) {
      ctx.state.user = ctx.state.sessionUser;
      return next();
    }
    const credentials = parseAuthorization(ctx.get('Authorization') || undefined);
    if (credentials.scheme === 'bearer') {
      throw new ApiError(401, 'invalid_client', message('auth.tokens_cannot_manage'), CHALLENGE);
    }
    if (credentials.scheme !== 'basic') {
      throw new ApiError(401, 'invalid_client', message('auth.basic_required'), CHALLENGE);
    }
    await throttle.check(credentials.username, ctx.ip);
    const user = await users.authenticate(credentials.username, credentials.password);
    if (!user) {
      await throttle.recordFailure(credentials.username, ctx.ip);
      throw new ApiError(401, 'invalid_client', message('auth.wrong_password'), CHALLENGE);
    }
    await throttle.recordSuccess(credentials.username, ctx.ip);
    ctx.state.user = user;
    return next();
  };
}

/** Lets only administrators through; the user must already be authenticated. */
export const requireAdmin: Middleware = async function requireAdmin(ctx, next) {
  if (!ctx.state.user?.isAdmin) throw new ApiError(403, 'access_denied', message('auth.admin_required'));
  return next();
};
