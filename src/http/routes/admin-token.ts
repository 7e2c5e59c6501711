import Router from '@koa/router';
import type { PasswordSignIn } from '../../security/password-sign-in.js';
import type { LeakedTokens } from '../../services/leaked-tokens.js';
import { authenticateUser, requireAdmin } from '../middleware/authenticate-password.js';
import { jsonBody } from '../middleware/body-parsers.js';
import { presentTokenInfo } from '../presenters/token-info-presenter.js';
import { originOf } from '../request-origin.js';
import { adminTokenSchema } from '../schemas/leak-schemas.js';
import type { UserState } from '../state.js';
import { validate } from '../validate.js';

/** What the token information API needs. */
export interface AdminTokenRouteDeps {
  signIn: PasswordSignIn;
  leakedTokens: Pick<LeakedTokens, 'identify' | 'revokeAsAdmin'>;
}

/**
 * /api/v1/admin/token — administrators identify or revoke any token they hold (GitLab's token
 * information API). The token travels in the body, never in the URL (which proxies log).
 */
export function adminTokenRoutes(c: AdminTokenRouteDeps): Router {
  const router = new Router<UserState>({ prefix: '/api/v1/admin/token' });
  router.use(authenticateUser(c.signIn), requireAdmin, jsonBody({ withDelete: true }));

  router.post('/', async function identifyToken(ctx) {
    const { token } = validate(adminTokenSchema, ctx.request.body ?? {});
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentTokenInfo(await c.leakedTokens.identify(token));
  });

  router.delete('/', async function revokeAnyToken(ctx) {
    const { token } = validate(adminTokenSchema, ctx.request.body ?? {});
    await c.leakedTokens.revokeAsAdmin(token, ctx.state.user, originOf(ctx));
    ctx.status = 204;
  });

  return router;
}
