import Router from '@koa/router';
import type { TokenState } from '../state.js';
import { ApiError, message } from '../../errors.js';
import { requireScopes, type TokenAuth } from '../middleware/require-scopes.js';
import type { CurrentUserResponse } from '../schemas/response-schemas.js';
import type { ScopeRegistry } from '../../scopes/scope-registry.js';
import type { UserService } from '../../services/user-service.js';

/** What GET /api/v1/user needs. */
export interface CurrentUserRouteDeps {
  /** How a presented token is checked (introspectors, failure throttle, DPoP proofs). */
  tokenAuth: TokenAuth;
  scopes: ScopeRegistry;
  users: UserService;
}

/** GET /api/v1/user — the token's user (CODING's current_user). Needs `user`; email needs `user:email`. */
export function currentUserRoutes(c: CurrentUserRouteDeps): Router {
  const router = new Router<TokenState>();
  router.get('/api/v1/user', requireScopes(c.tokenAuth, c.scopes, 'user'), async function showCurrentUser(ctx) {
    const token = ctx.state.token;
    // Introspectors attach the profile they verified with the token; the lookup is only a fallback.
    const user = token.owner ?? (token.userId === null ? null : await c.users.findById(token.userId));
    if (!user) {
      throw new ApiError(401, 'invalid_token', message('auth.no_user'), {
        'WWW-Authenticate': 'Bearer realm="tessera", error="invalid_token"',
      });
    }
    const showEmail = c.scopes.satisfies(token.scopes, ['user:email']);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      id: user.id,
      username: user.username,
      name: user.displayName,
      ...(showEmail ? { email: user.email } : {}),
      admin: user.isAdmin,
      created_at: user.createdAt.toISOString(),
    } satisfies CurrentUserResponse;
  });
  return router;
}
