import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { User } from '../../entities/index.js';
import { forbidden, message } from '../../errors.js';
import { recordId } from '../../http/path-params.js';
import { originOf } from '../../http/request-origin.js';
import { createUserSchema, toCreateUserInput } from '../../http/schemas/user-schemas.js';
import { validate } from '../../http/validate.js';
import { adminUsersPage, adminUserTokensPage, type NewUserValues } from '../views/pages/admin-users.js';
import type { TokenFormValues } from '../views/pages/token-form-page.js';
import { newUserFormLabels, tokenFormLabels } from '../forms/field-labels.js';
import { emptyTokenForm, readTokenForm, toCreateInput } from '../forms/token-form.js';
import { sendPage, setFlash, takeFlash } from '../middleware/page-context.js';
import { formAttempt, REVEAL_PATH } from './token-pages.js';
import { pageOf, seeOther, sessionOf, webRouter } from './web-router.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { PatService } from '../../services/pat-service.js';
import type { IssuancePolicy } from '../../services/issuance-policy.js';
import type { ScopeRegistry } from '../../scopes/scope-registry.js';
import type { UserService } from '../../services/user-service.js';
import type { WebSessionService } from '../../services/web-session-service.js';

const USERS = '/admin/users';
const MAX_LISTED = 200;

/** The new-user form in the API's shape, for the API's own schema (the same rules at every door); a blank display name is none. */
function newUserBody(body: Record<string, unknown>, isAdmin: boolean): Record<string, unknown> {
  const name = typeof body.display_name === 'string' && !body.display_name.trim() ? undefined : body.display_name;
  return { username: body.username, email: body.email, name, password: body.password, admin: isAdmin };
}

/** Lets only administrators through (behind requireSignedIn). */
export const requireAdminPage: Middleware = async function requireAdminPage(ctx, next) {
  if (!sessionOf(ctx).user.isAdmin) throw forbidden(message('auth.admin_required'));
  return next();
};

/** What the administration pages need. */
export interface AdminPageDeps {
  clock: Clock;
  logger: Logger;
  pats: PatService;
  policy: IssuancePolicy;
  scopes: ScopeRegistry;
  users: UserService;
  webSessions: WebSessionService;
}

/** Admin → Users: list, create, and each user's impersonation tokens (issue, revoke). Admins only. */
export function adminPages(c: AdminPageDeps): Router {
  const router = webRouter(c, { signedIn: true });
  router.use(requireAdminPage);

  const usersPage = async (ctx: Context, values: NewUserValues, error?: string, status = 200) => {
    const [users] = await c.users.list(0, MAX_LISTED);
    await takeFlash(c.webSessions, ctx);
    sendPage(ctx, adminUsersPage(pageOf(ctx), { users, values, error }), status);
  };

  const userTokensPage = async (ctx: Context, user: User, values: TokenFormValues, error?: string, status = 200) => {
    const [tokens] = await c.pats.list(user, { state: 'all', offset: 0, limit: 100 }, 'impersonation');
    const page = pageOf(ctx);
    await takeFlash(c.webSessions, ctx);
    sendPage(ctx, adminUserTokensPage(page, {
      user,
      tokens,
      now: c.clock(),
      form: {
        mode: 'create',
        title: page.t('admin.issue_token'),
        action: `${USERS}/${encodeURIComponent(user.username)}/impersonation-tokens`,
        cancelHref: USERS,
        values,
        scopes: c.scopes.apiScopes(),
        maxLifetimeDays: c.policy.patMaxLifetimeDays,
        groupHeadingLevel: 3,
        error: error && page.t('form.error', { message: error }),
      },
    }), status);
  };

  router.get(USERS, async function listUsersPage(ctx) {
    await usersPage(ctx, { username: '', email: '', displayName: '', isAdmin: false });
  });

  router.post(USERS, async function createUserFromForm(ctx) {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const values: NewUserValues = {
      username: String(body.username ?? ''),
      email: String(body.email ?? ''),
      displayName: String(body.display_name ?? ''),
      isAdmin: body.is_admin === '1',
    };
    let created = '';
    const error = await formAttempt(pageOf(ctx), newUserFormLabels(pageOf(ctx).t), async () => {
      const input = validate(createUserSchema, newUserBody(body, values.isAdmin));
      const user = await c.users.create(toCreateUserInput(input), sessionOf(ctx).user, originOf(ctx));
      created = user.username;
    });
    if (error) return usersPage(ctx, values, pageOf(ctx).t('form.error', { message: error }), 400);
    await setFlash(c.webSessions, sessionOf(ctx), 'flash.user_created', { name: created });
    seeOther(ctx, USERS);
  });

  router.get(`${USERS}/:username`, async function userTokensAdminPage(ctx) {
    await userTokensPage(ctx, await c.users.getByUsername(ctx.params.username!), emptyTokenForm());
  });

  router.post(`${USERS}/:username/impersonation-tokens`, async function issueImpersonationToken(ctx) {
    const session = sessionOf(ctx);
    const user = await c.users.getByUsername(ctx.params.username!);
    const values = readTokenForm(ctx.request.body ?? {});
    const back = `${USERS}/${encodeURIComponent(user.username)}`;
    const error = await formAttempt(pageOf(ctx), tokenFormLabels(pageOf(ctx).t), async () => {
      const { pat, token } = await c.pats.create(user, toCreateInput(values), 'impersonation', session.user, originOf(ctx));
      await c.webSessions.put(session, 'reveal', { token, name: pat.name, regenerated: false, back });
    });
    if (error) return userTokensPage(ctx, user, values, error, 400);
    seeOther(ctx, REVEAL_PATH);
  });

  router.post(`${USERS}/:username/impersonation-tokens/:id/revoke`, async function revokeImpersonationToken(ctx) {
    const user = await c.users.getByUsername(ctx.params.username!);
    await c.pats.revoke(user, recordId(ctx.params.id, 'token'), 'impersonation', sessionOf(ctx).user, originOf(ctx));
    await setFlash(c.webSessions, sessionOf(ctx), 'flash.revoked');
    seeOther(ctx, `${USERS}/${encodeURIComponent(user.username)}`);
  });

  return router;
}
