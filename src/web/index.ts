import type Router from '@koa/router';
import type { Container } from '../container.js';
import { adminPages } from './routes/admin-pages.js';
import { applicationPages } from './routes/app-pages.js';
import { authorizationPages } from './routes/authorization-pages.js';
import { authPages } from './routes/auth-pages.js';
import { staticFiles } from './routes/static-files.js';
import { tokenPages } from './routes/token-pages.js';

export { loadWebSession } from './middleware/web-session.js';

/** Every web-page router, in mounting order. */
export function webRoutes(c: Container): Router[] {
  return [staticFiles(), authPages(c), tokenPages(c), authorizationPages(c), applicationPages(c), adminPages(c)];
}
