import Router from '@koa/router';
import type { UserState } from '../state.js';
import { authenticateUser, requireAdmin } from '../middleware/authenticate-password.js';
import { jsonBody } from '../middleware/body-parsers.js';
import { validate } from '../validate.js';
import { originOf } from '../request-origin.js';
import { invalidRequest, message } from '../../errors.js';
import { createUserSchema, listUsersQuerySchema, toCreateUserInput } from '../schemas/user-schemas.js';
import { presentUser } from '../presenters/user-presenter.js';
import type { PasswordSignIn } from '../../security/password-sign-in.js';
import type { UserService } from '../../services/user-service.js';

/** What account administration needs. */
export interface AdminUserRouteDeps {
  signIn: PasswordSignIn;
  users: UserService;
}

/** /api/v1/users — account administration (admins only). */
export function adminUserRoutes(c: AdminUserRouteDeps): Router {
  const router = new Router<UserState>({ prefix: '/api/v1/users' });
  router.use(authenticateUser(c.signIn), requireAdmin, jsonBody());

  router.get('/', async function listUsers(ctx) {
    const { offset, limit } = validate(listUsersQuerySchema, ctx.query);
    const [users, total] = await c.users.list(offset, limit);
    ctx.set('X-Total-Count', String(total));
    ctx.body = users.map(presentUser);
  });

  router.post('/', async function createUser(ctx) {
    const user = await c.users.create(toCreateUserInput(validate(createUserSchema, ctx.request.body ?? {})), ctx.state.user, originOf(ctx));
    ctx.status = 201;
    ctx.body = presentUser(user);
  });

  router.delete('/:username', async function deleteUser(ctx) {
    const user = await c.users.getByUsername(ctx.params.username!);
    // Keeps at least the acting administrator, so an instance cannot lock itself out.
    if (user.id === ctx.state.user.id) throw invalidRequest(message('user.delete_self'));
    await c.users.delete(user, ctx.state.user, originOf(ctx));
    ctx.status = 204;
  });

  return router;
}
