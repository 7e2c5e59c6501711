import Router from '@koa/router';
import type { UserState } from '../state.js';
import { authenticateUser } from '../middleware/authenticate-password.js';
import { presentAuthorization } from '../presenters/application-presenter.js';
import { grantId } from '../path-params.js';
import type { AuthorizationService } from '../../services/authorization-service.js';
import type { PasswordSignIn } from '../../security/password-sign-in.js';
import { originOf } from '../request-origin.js';

/** What the authorized-apps API needs. */
export interface AuthorizationRouteDeps {
  authorizations: AuthorizationService;
  signIn: PasswordSignIn;
}

/** /api/v1/user/authorizations — the apps a user authorized, and revoking them. */
export function authorizationRoutes(c: AuthorizationRouteDeps): Router {
  const router = new Router<UserState>({ prefix: '/api/v1/user/authorizations' });
  router.use(authenticateUser(c.signIn));

  router.get('/', async function listAuthorizations(ctx) {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = (await c.authorizations.list(ctx.state.user)).map(presentAuthorization);
  });

  router.delete('/:id', async function revokeAuthorization(ctx) {
    await c.authorizations.revoke(ctx.state.user, grantId(ctx.params.id), originOf(ctx));
    ctx.status = 204;
  });

  return router;
}
