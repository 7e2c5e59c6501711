import type Router from '@koa/router';
import type { MessageKey } from '../i18n/index.js';
import { sendPage, setFlash, type PageCtx, type PageState } from '../middleware/page-context.js';
import type { SessionData, WebSessionService } from '../../services/web-session-service.js';
import { seeOther, sessionOf } from './web-router.js';

/** A fresh secret the session holds until one page shows it (see shownOnce). */
export interface ShownOnce<K extends keyof SessionData> {
  /** The page's route; a form that made the secret redirects here (post-redirect-get). */
  path: string;
  key: K;
  /** Where the browser goes, with this notice, when there is nothing to show (a reload, a second tab). */
  gone: { flash: MessageKey; to: string };
  render(ctx: PageCtx, value: NonNullable<SessionData[K]>): string;
}

/**
 * Registers GET `path`: takes the secret out of the session (`webSessions.put` left it there)
 * and shows it, once; afterwards the same URL says it is gone.
 */
export function shownOnce<K extends keyof SessionData>(router: Router<PageState>, sessions: WebSessionService, page: ShownOnce<K>): void {
  router.get(page.path, async function showSecretOnce(ctx) {
    const session = sessionOf(ctx);
    const value = await sessions.take(session, page.key);
    if (value === undefined) {
      await setFlash(sessions, session, page.gone.flash);
      return seeOther(ctx, page.gone.to);
    }
    sendPage(ctx, page.render(ctx, value as NonNullable<SessionData[K]>));
  });
}
