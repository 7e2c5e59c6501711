import type Router from '@koa/router';
import { NOTIFICATIONS, notificationListPage } from '../views/pages/notifications.js';
import { sendPage } from '../middleware/page-context.js';
import { pageOf, sessionOf, webRouter } from './web-router.js';
import type { Logger } from '../../logger.js';
import type { NotificationService } from '../../services/notification-service.js';
import type { WebSessionService } from '../../services/web-session-service.js';

/** What the notifications page needs. */
export interface NotificationPageDeps {
  notifications: Pick<NotificationService, 'list' | 'markAllRead'>;
  logger: Logger;
  webSessions: WebSessionService;
}

/** Settings → Notifications: the latest 100 notices; showing them marks them read. */
export function notificationPages(c: NotificationPageDeps): Router {
  const router = webRouter(c, { signedIn: true });
  router.get(NOTIFICATIONS, async function listNotificationsPage(ctx) {
    const { user } = sessionOf(ctx);
    const [notifications] = await c.notifications.list(user.id, 0, 100);
    sendPage(ctx, notificationListPage(pageOf(ctx), { notifications }));
    await c.notifications.markAllRead(user.id).catch((err: unknown) => c.logger.warn({ err }, 'notifications not marked read'));
  });
  return router;
}
