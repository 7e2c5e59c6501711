import Router from '@koa/router';
import type { UserState } from '../state.js';
import { authenticateUser, requireAdmin } from '../middleware/authenticate-password.js';
import { jsonBody } from '../middleware/body-parsers.js';
import { presentPat } from '../presenters/pat-presenter.js';
import { recordId } from '../path-params.js';
import { originOf } from '../request-origin.js';
import { patHandlers } from './pat-handlers.js';
import type { Clock } from '../../clock.js';
import type { PatService } from '../../services/pat-service.js';
import type { PasswordSignIn } from '../../security/password-sign-in.js';
import type { UserService } from '../../services/user-service.js';

/** What the impersonation-token API needs. */
export interface ImpersonationTokenRouteDeps {
  clock: Clock;
  pats: PatService;
  signIn: PasswordSignIn;
  users: UserService;
}

/**
 * /api/v1/users/:username/impersonation-tokens — administrators issue tokens that act as
 * a user (GitLab/CodeArts impersonation tokens). Revoking keeps the record, marked revoked.
 */
export function impersonationTokenRoutes(c: ImpersonationTokenRouteDeps): Router {
  const router = new Router<UserState>({ prefix: '/api/v1/users/:username/impersonation-tokens' });
  const handlers = patHandlers(c.pats, c.clock);
  router.use(authenticateUser(c.signIn), requireAdmin, jsonBody());

  router.get('/', async function listImpersonationTokens(ctx) {
    await handlers.list(ctx, await c.users.getByUsername(ctx.params.username!), 'impersonation');
  });

  router.post('/', async function createImpersonationToken(ctx) {
    await handlers.create(ctx, await c.users.getByUsername(ctx.params.username!), 'impersonation', ctx.state.user);
  });

  router.get('/:id', async function getImpersonationToken(ctx) {
    const owner = await c.users.getByUsername(ctx.params.username!);
    const pat = await c.pats.get(owner, recordId(ctx.params.id, 'token'), 'impersonation');
    ctx.body = presentPat(pat, c.clock(), c.pats.usePolicy);
  });

  router.delete('/:id', async function revokeImpersonationToken(ctx) {
    const owner = await c.users.getByUsername(ctx.params.username!);
    await c.pats.revoke(owner, recordId(ctx.params.id, 'token'), 'impersonation', ctx.state.user, originOf(ctx));
    ctx.status = 204;
  });

  return router;
}
