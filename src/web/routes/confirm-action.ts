import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Translate } from '../i18n/index.js';
import type { Page } from '../views/layout.js';
import { confirmPage } from '../views/pages/confirm.js';
import { sendPage } from '../middleware/page-context.js';
import type { ActiveWebSession } from '../../services/web-session-service.js';
import { pageOf, seeOther, sessionOf } from './web-router.js';

/** What an "Are you sure?" page asks, in the page's language. */
export interface Confirmation {
  title: string;
  message: string;
  confirmLabel: string;
  cancelHref: string;
}

/** A destructive action behind a confirmation page (see confirmAction). */
export interface ConfirmedAction {
  /** The route of both the page (GET) and the action (POST), e.g. `/settings/tokens/:id/delete`. */
  path: string;
  section: Page['section'];
  /** The question; it loads what it is about, so a missing (or someone else's) record is a 404 page. */
  ask: (ctx: Context, t: Translate) => Promise<Confirmation>;
  /** Does it, and returns where the browser goes next. */
  act: (ctx: Context, session: ActiveWebSession) => Promise<string>;
}

/**
 * Registers GET `path`, the confirmation page whose form posts back to the same path, and
 * POST `path`, which acts and redirects (303). The router's CSRF check guards the POST.
 */
export function confirmAction(router: Router, action: ConfirmedAction): void {
  router.get(action.path, async function showConfirmation(ctx) {
    const page = pageOf(ctx);
    const question = await action.ask(ctx, page.t);
    sendPage(ctx, confirmPage(page, { ...question, action: ctx.path, section: action.section }));
  });

  router.post(action.path, async function confirmedAction(ctx) {
    seeOther(ctx, await action.act(ctx, sessionOf(ctx)));
  });
}
