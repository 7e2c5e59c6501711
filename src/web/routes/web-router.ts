import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { PageContext } from '../views/layout.js';
import type { PageCtx, PageState } from '../middleware/page-context.js';
import { requireCsrf } from '../middleware/csrf.js';
import { pageContext } from '../middleware/page-context.js';
import { formBody } from '../../http/middleware/body-parsers.js';
import { webErrors } from '../middleware/web-errors.js';
import type { ActiveWebSession } from '../../services/web-session-service.js';
import type { Logger } from '../../logger.js';

/** What every page router needs. */
export interface WebRouterDeps {
  logger: Logger;
}

/**
 * A router for web pages: page context (language, user), HTML errors, form parsing and the
 * CSRF check on every unsafe method, in that order. `signedIn` adds the sign-in requirement.
 */
export function webRouter(c: WebRouterDeps, options: { signedIn: boolean }): Router<PageState> {
  const router = new Router<PageState>();
  router.use(pageContext, webErrors(c.logger), formBody('64kb'), requireCsrf);
  if (options.signedIn) router.use(requireSignedIn);
  return router;
}

/** Signed-out visitors are sent to the sign-in page, which brings them back afterwards. */
const requireSignedIn: Middleware<PageState> = async function requireSignedIn(ctx, next) {
  if (ctx.state.webSession) return next();
  ctx.status = 303;
  ctx.redirect(`/login?${new URLSearchParams({ next: ctx.method === 'GET' ? ctx.url : '/' }).toString()}`);
};

/** The session of a route behind requireSignedIn. */
export function sessionOf(ctx: PageCtx): ActiveWebSession {
  const session = ctx.state.webSession;
  if (!session) throw new Error('sessionOf() on a route that is not behind requireSignedIn');
  return session;
}

export function pageOf(ctx: PageCtx): PageContext {
  return ctx.state.page;
}

/** POST-redirect-GET: 303 so the browser follows with GET and a refresh does not resubmit. */
export function seeOther(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}
