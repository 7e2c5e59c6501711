import type Router from '@koa/router';
import { adminPages, type AdminPageDeps } from './routes/admin-pages.js';
import { applicationPages, type ApplicationPageDeps } from './routes/app-pages.js';
import { authorizationPages, type AuthorizationPageDeps } from './routes/authorization-pages.js';
import { authPages, type AuthPageDeps } from './routes/auth-pages.js';
import { securityLogPages, type SecurityLogPageDeps } from './routes/security-log-pages.js';
import { notificationPages, type NotificationPageDeps } from './routes/notification-pages.js';
import { staticFiles } from './routes/static-files.js';
import { tokenPages, type TokenPageDeps } from './routes/token-pages.js';

export { loadWebSession } from './middleware/web-session.js';

/** Every web-page router, in mounting order. */
/** What the pages need: each page router's own dependencies, together. */
export type WebDeps = AuthPageDeps & TokenPageDeps & AuthorizationPageDeps & ApplicationPageDeps & NotificationPageDeps & AdminPageDeps & SecurityLogPageDeps;

export function webRoutes(c: WebDeps): Router[] {
  return [staticFiles(), authPages(c), tokenPages(c), authorizationPages(c), applicationPages(c), notificationPages(c), adminPages(c), securityLogPages(c)];
}
