import Router from '@koa/router';
import type { UserState } from '../state.js';
import { authenticateUser } from '../middleware/authenticate-password.js';
import { jsonBody } from '../middleware/body-parsers.js';
import { presentPat, presentPatWithSecret } from '../presenters/pat-presenter.js';
import { regeneratePatSchema, updatePatSchema } from '../schemas/pat-schemas.js';
import { recordId } from '../path-params.js';
import { originOf } from '../request-origin.js';
import { validate } from '../validate.js';
import { patHandlers } from './pat-handlers.js';
import type { Clock } from '../../clock.js';
import type { PatService } from '../../services/pat-service.js';
import type { PasswordSignIn } from '../../security/password-sign-in.js';

/** What a user's own token API needs. */
export interface UserTokenRouteDeps {
  clock: Clock;
  pats: PatService;
  signIn: PasswordSignIn;
}

/** /api/v1/user/tokens — a user's own personal access tokens. */
export function userTokenRoutes(c: UserTokenRouteDeps): Router {
  const router = new Router<UserState>({ prefix: '/api/v1/user/tokens' });
  const handlers = patHandlers(c.pats, c.clock);
  router.use(authenticateUser(c.signIn), jsonBody());

  router.get('/', async function listTokens(ctx) {
    await handlers.list(ctx, ctx.state.user, 'personal');
  });

  router.post('/', async function createToken(ctx) {
    await handlers.create(ctx, ctx.state.user, 'personal', ctx.state.user);
  });

  router.delete('/', async function deleteAllTokens(ctx) {
    await c.pats.deleteAll(ctx.state.user, originOf(ctx));
    ctx.status = 204;
  });

  router.get('/:id', async function getToken(ctx) {
    const pat = await c.pats.get(ctx.state.user, recordId(ctx.params.id, 'token'));
    ctx.body = presentPat(pat, c.clock());
  });

  router.patch('/:id', async function updateToken(ctx) {
    const id = recordId(ctx.params.id, 'token');
    const pat = await c.pats.update(ctx.state.user, id, validate(updatePatSchema, ctx.request.body ?? {}), originOf(ctx));
    ctx.body = presentPat(pat, c.clock());
  });

  router.post('/:id/regenerate', async function regenerateToken(ctx) {
    const id = recordId(ctx.params.id, 'token');
    const { pat, token } = await c.pats.regenerate(ctx.state.user, id, validate(regeneratePatSchema, ctx.request.body ?? {}), originOf(ctx));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentPatWithSecret(pat, token, c.clock());
  });

  router.delete('/:id', async function deleteToken(ctx) {
    await c.pats.delete(ctx.state.user, recordId(ctx.params.id, 'token'), originOf(ctx));
    ctx.status = 204;
  });

  return router;
}
