import Router from '@koa/router';
import type { UserState } from '../state.js';
import { authenticateUser, requireAdmin } from '../middleware/authenticate-password.js';
import { presentSecurityEvent } from '../presenters/security-event-presenter.js';
import { adminSecurityLogQuerySchema, securityLogQuerySchema } from '../schemas/security-log-schemas.js';
import { validate } from '../validate.js';
import type { SecurityEvent } from '../../entities/index.js';
import type { SecurityLog } from '../../services/security-log.js';
import type { PasswordSignIn } from '../../security/password-sign-in.js';

/** What the security-log API needs. */
export interface SecurityLogRouteDeps {
  securityLog: Pick<SecurityLog, 'search'>;
  signIn: PasswordSignIn;
}

/**
 * /api/v1/user/security-log — the caller's own entries; /api/v1/admin/security-log —
 * everyone's (administrators). Newest first, with X-Total-Count.
 */
export function securityLogRoutes(c: SecurityLogRouteDeps): Router {
  const router = new Router<UserState>();
  const send = (ctx: { set(name: string, value: string): void; body: unknown }, [entries, total]: [SecurityEvent[], number]) => {
    ctx.set('X-Total-Count', String(total));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = entries.map(presentSecurityEvent);
  };

  router.get('/api/v1/user/security-log', authenticateUser(c.signIn), async function listOwnSecurityLog(ctx) {
    const search = validate(securityLogQuerySchema, ctx.query);
    send(ctx, await c.securityLog.search({ ...search, userId: ctx.state.user.id }));
  });

  router.get('/api/v1/admin/security-log', authenticateUser(c.signIn), requireAdmin, async function listSecurityLog(ctx) {
    send(ctx, await c.securityLog.search(validate(adminSecurityLogQuerySchema, ctx.query)));
  });

  return router;
}
