import type Router from '@koa/router';
import { z } from 'zod';
import { lineOfText } from '../../http/schemas/text.js';
import { SECURITY_ACTIONS, type SecurityLog } from '../../services/security-log.js';
import { canonicalUsername } from '../../security/identifiers.js';
import { ADMIN_SECURITY_LOG, OWN_SECURITY_LOG, securityLogPage } from '../views/pages/security-log.js';
import { sendPage } from '../middleware/page-context.js';
import { requireAdminPage } from './admin-pages.js';
import { pageOf, sessionOf, webRouter } from './web-router.js';
import type { Logger } from '../../logger.js';
import type { WebSessionService } from '../../services/web-session-service.js';

const PAGE_SIZE = 30;

/** Lenient on purpose, like the token list: a hand-edited query string falls back to no filter. */
const logQuery = z.object({
  action: z.enum(SECURITY_ACTIONS).optional().catch(undefined),
  hashed_token: z.string().regex(/^[A-Za-z0-9+/]{43}=$/).optional().catch(undefined),
  user: lineOfText(64).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** What the security-log pages need. */
export interface SecurityLogPageDeps {
  logger: Logger;
  securityLog: Pick<SecurityLog, 'search'>;
  webSessions: WebSessionService;
}

/** Settings → Security log (the user's own entries) and Admin → Security log (everyone's, or one user's). */
export function securityLogPages(c: SecurityLogPageDeps): Router {
  const router = webRouter(c, { signedIn: true });

  router.get(OWN_SECURITY_LOG, async function ownSecurityLogPage(ctx) {
    const q = logQuery.parse(ctx.query);
    const [entries, total] = await c.securityLog.search({
      userId: sessionOf(ctx).user.id,
      action: q.action,
      hashedToken: q.hashed_token,
      offset: (q.page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    sendPage(ctx, securityLogPage(pageOf(ctx), { entries, total, page: q.page, pageSize: PAGE_SIZE, action: q.action ?? '', hashedToken: q.hashed_token ?? '' }));
  });

  router.get(ADMIN_SECURITY_LOG, requireAdminPage, async function adminSecurityLogPage(ctx) {
    const q = logQuery.parse(ctx.query);
    const typed = q.user?.trim() ?? '';
    // Names are stored in their one canonical form; a name no account could have matches nothing.
    const userName = typed === '' ? undefined : (canonicalUsername(typed) ?? typed.toLowerCase());
    const [entries, total] = await c.securityLog.search({
      userName,
      action: q.action,
      hashedToken: q.hashed_token,
      offset: (q.page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    sendPage(ctx, securityLogPage(pageOf(ctx), { entries, total, page: q.page, pageSize: PAGE_SIZE, action: q.action ?? '', hashedToken: q.hashed_token ?? '', user: typed }));
  });

  return router;
}
