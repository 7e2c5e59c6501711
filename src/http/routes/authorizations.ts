import Router from '@koa/router';
import type { Container } from '../../container.js';
import { authenticateUser } from '../middleware/authenticate-password.js';
import { presentAuthorization } from '../presenters/application-presenter.js';
import { grantId } from '../path-params.js';

/** /api/v1/user/authorizations — the apps a user authorized, and revoking them. */
export function authorizationRoutes(c: Container): Router {
  const router = new Router({ prefix: '/api/v1/user/authorizations' });
  router.use(authenticateUser(c.signIn));

  router.get('/', async function listAuthorizations(ctx) {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = (await c.authorizations.list(ctx.state.user)).map(presentAuthorization);
  });

  router.delete('/:id', async function revokeAuthorization(ctx) {
    await c.authorizations.revoke(ctx.state.user, grantId(ctx.params.id));
    ctx.status = 204;
  });

  return router;
}
