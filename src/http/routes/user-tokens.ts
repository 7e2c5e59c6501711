import Router from '@koa/router';
import type { UserState } from '../state.js';
import { authenticateUser } from '../middleware/authenticate-password.js';
import { jsonBody } from '../middleware/body-parsers.js';
import { presentPat, presentPatWithSecret } from '../presenters/pat-presenter.js';
import { regeneratePatSchema, rotatePatSchema, updatePatSchema } from '../schemas/pat-schemas.js';
import { recordId } from '../path-params.js';
import { originOf } from '../request-origin.js';
import { validate } from '../validate.js';
import { patHandlers } from './pat-handlers.js';
import { ApiError, message } from '../../errors.js';
import { invalidTokenError, requireScopes, type TokenAuth } from '../middleware/require-scopes.js';
import type { TokenState } from '../state.js';
import type { Clock } from '../../clock.js';
import type { ScopeRegistry } from '../../scopes/scope-registry.js';
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
    ctx.body = presentPat(pat, c.clock(), c.pats.usePolicy);
  });

  router.patch('/:id', async function updateToken(ctx) {
    const id = recordId(ctx.params.id, 'token');
    const pat = await c.pats.update(ctx.state.user, id, validate(updatePatSchema, ctx.request.body ?? {}), originOf(ctx));
    ctx.body = presentPat(pat, c.clock(), c.pats.usePolicy);
  });

  router.post('/:id/regenerate', async function regenerateToken(ctx) {
    const id = recordId(ctx.params.id, 'token');
    const { pat, token } = await c.pats.regenerate(ctx.state.user, id, validate(regeneratePatSchema, ctx.request.body ?? {}), originOf(ctx));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentPatWithSecret(pat, token, c.clock(), c.pats.usePolicy);
  });

  router.post('/:id/rotate', async function rotateToken(ctx) {
    const id = recordId(ctx.params.id, 'token');
    const input = validate(rotatePatSchema, ctx.request.body ?? {});
    const { pat, token } = await c.pats.rotate(ctx.state.user, id, input, { actor: ctx.state.user, origin: originOf(ctx) });
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Location', `/api/v1/user/tokens/${pat.id}`);
    ctx.body = presentPatWithSecret(pat, token, c.clock(), c.pats.usePolicy);
  });

  router.delete('/:id', async function deleteToken(ctx) {
    await c.pats.delete(ctx.state.user, recordId(ctx.params.id, 'token'), originOf(ctx));
    ctx.status = 204;
  });

  return router;
}

/** What a token rotating itself needs. */
export interface SelfRotationRouteDeps {
  clock: Clock;
  pats: PatService;
  /** How the presented token is checked (introspectors, failure throttle, DPoP proofs). */
  tokenAuth: TokenAuth;
  scopes: ScopeRegistry;
}

/**
 * POST /api/v1/user/tokens/self/rotate — a personal access token rotating itself (scope
 * `token:rotate`): a new secret for the same record, the presented one working on for the grace
 * period. Presenting a secret already rotated away (still in its grace) is reuse: the token is revoked.
 * Listed before the owner's routes, whose `/:id/rotate` would otherwise take `self` for an id.
 */
export function selfRotationRoutes(c: SelfRotationRouteDeps): Router {
  const router = new Router<TokenState>({ prefix: '/api/v1/user/tokens/self' });
  router.post('/rotate', requireScopes(c.tokenAuth, c.scopes, 'token:rotate'), jsonBody(), async function rotateSelf(ctx) {
    const presented = ctx.state.token;
    if (presented.kind !== 'personal_access_token' || presented.patId === undefined || !presented.owner) {
      throw new ApiError(400, 'invalid_request', message('pat.self_rotate_pat_only'));
    }
    const origin = originOf(ctx);
    if (presented.rotated) {
      await c.pats.reuseDetected(presented.patId, { origin }, 'rotate');
      throw invalidTokenError('reuse');
    }
    const input = validate(rotatePatSchema, ctx.request.body ?? {});
    const owner = presented.owner;
    const { pat, token } = await c.pats.rotate(owner, presented.patId, input, { actor: owner, origin, self: true });
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    if (!pat.impersonation) ctx.set('Location', `/api/v1/user/tokens/${pat.id}`);
    ctx.body = presentPatWithSecret(pat, token, c.clock(), c.pats.usePolicy);
  });
  return router;
}
