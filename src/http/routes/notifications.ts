import Router from '@koa/router';
import type { UserState } from '../state.js';
import { authenticateUser } from '../middleware/authenticate-password.js';
import { presentNotification } from '../presenters/notification-presenter.js';
import { notificationQuerySchema } from '../schemas/notification-schemas.js';
import { validate } from '../validate.js';
import type { NotificationService } from '../../services/notification-service.js';
import type { PasswordSignIn } from '../../security/password-sign-in.js';

/** What the notifications API needs. */
export interface NotificationRouteDeps {
  notifications: Pick<NotificationService, 'list'>;
  signIn: PasswordSignIn;
}

/** GET /api/v1/user/notifications — the caller's notices (docs/notifications.md), newest first, with X-Total-Count. */
export function notificationRoutes(c: NotificationRouteDeps): Router {
  const router = new Router<UserState>();
  router.get('/api/v1/user/notifications', authenticateUser(c.signIn), async function listNotifications(ctx) {
    const { offset, limit } = validate(notificationQuerySchema, ctx.query);
    const [rows, total] = await c.notifications.list(ctx.state.user.id, offset, limit);
    ctx.set('X-Total-Count', String(total));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = rows.map(presentNotification);
  });
  return router;
}
