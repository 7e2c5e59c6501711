import type Router from '@koa/router';
import type { Context } from 'koa';
import { notFound } from '../../errors.js';
import { grantId } from '../../http/path-params.js';
import { AUTHORIZATIONS, authorizationListPage } from '../views/pages/authorizations.js';
import type { Authorization } from '../../services/authorization-service.js';
import { sendPage, setFlash, takeFlash } from '../middleware/page-context.js';
import { pageOf, sessionOf, webRouter } from './web-router.js';
import { confirmAction } from './confirm-action.js';
import type { AuthorizationService } from '../../services/authorization-service.js';
import type { Logger } from '../../logger.js';
import type { ScopeRegistry } from '../../scopes/scope-registry.js';
import type { WebSessionService } from '../../services/web-session-service.js';
import { originOf } from '../../http/request-origin.js';

/** What the authorized-apps pages need. */
export interface AuthorizationPageDeps {
  authorizations: AuthorizationService;
  logger: Logger;
  scopes: ScopeRegistry;
  webSessions: WebSessionService;
}

/** Settings → Authorized apps: the grants this user gave, and revoking one (with all its tokens). */
export function authorizationPages(c: AuthorizationPageDeps): Router {
  const router = webRouter(c, { signedIn: true });

  /** One of the user's own authorizations; another user's id is a 404, like a missing one. */
  const authorizationParam = async (ctx: Context): Promise<Authorization> => {
    const id = grantId(ctx.params.id);
    const found = (await c.authorizations.list(sessionOf(ctx).user)).find((a) => a.grantIds.includes(id));
    if (!found) throw notFound('authorization');
    return found;
  };

  router.get(AUTHORIZATIONS, async function listAuthorizationsPage(ctx) {
    const authorizations = await c.authorizations.list(sessionOf(ctx).user);
    await takeFlash(c.webSessions, ctx);
    sendPage(ctx, authorizationListPage(pageOf(ctx), { authorizations, scopes: c.scopes }));
  });

  confirmAction(router, {
    path: `${AUTHORIZATIONS}/:id/revoke`,
    section: 'authorizations',
    async ask(ctx, t) {
      const authorization = await authorizationParam(ctx);
      return {
        title: t('confirm.revoke_app_title', { name: authorization.applicationName }),
        message: t('confirm.revoke_app_body'),
        confirmLabel: t('confirm.yes_revoke'),
        cancelHref: AUTHORIZATIONS,
      };
    },
    async act(ctx, session) {
      const authorization = await authorizationParam(ctx);
      await c.authorizations.revoke(session.user, authorization.id, originOf(ctx));
      await setFlash(c.webSessions, session, 'flash.authorization_revoked', { name: authorization.applicationName });
      return AUTHORIZATIONS;
    },
  });

  return router;
}
