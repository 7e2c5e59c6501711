import { z } from 'zod';
import type Router from '@koa/router';
import { loginPage } from '../views/pages/login.js';
import { signInRefusal } from '../forms/sign-in-form.js';
import { isLang, LANG_COOKIE } from '../i18n/index.js';
import { LOGIN_CSRF_COOKIE, loginCsrfToken } from '../middleware/csrf.js';
import { safeLocalPath, sendPage } from '../middleware/page-context.js';
import { clearSessionCookie, setSessionCookie } from '../middleware/web-session.js';
import { SESSION_LIFETIME_MS } from '../../services/web-session-service.js';
import { pageOf, seeOther, webRouter } from './web-router.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { PasswordSignIn } from '../../security/password-sign-in.js';
import type { WebSessionService } from '../../services/web-session-service.js';
import type { UserService } from '../../services/user-service.js';

const HOME = '/settings/tokens';
const loginForm = z.object({ username: z.string().max(64).catch(''), password: z.string().max(1024).catch(''), next: z.string().max(2000).optional().catch(undefined) });

/** What sign-in, sign-out and the start page need. */
export interface AuthPageDeps {
  clock: Clock;
  logger: Logger;
  signIn: PasswordSignIn;
  webSessions: WebSessionService;
  users: Pick<UserService, 'rememberLang'>;
}

/** Sign in, sign out, the start page and the language switcher. */
export function authPages(c: AuthPageDeps): Router {
  const router = webRouter(c, { signedIn: false });

  router.get('/', async function startPage(ctx) {
    seeOther(ctx, ctx.state.webSession ? HOME : '/login');
  });

  router.get('/login', async function showLogin(ctx) {
    const next = safeLocalPath(ctx.query.next, HOME);
    if (ctx.state.webSession) return seeOther(ctx, next);
    const page = pageOf(ctx);
    page.csrfToken = loginCsrfToken(ctx);
    sendPage(ctx, loginPage(page, { next }));
  });

  router.post('/login', async function signIn(ctx) {
    const form = loginForm.parse(ctx.request.body ?? {});
    const next = safeLocalPath(form.next, HOME);
    const page = pageOf(ctx);
    const result = await c.signIn.signIn(form.username, form.password, ctx.ip, { door: 'web', userAgent: ctx.get('User-Agent') || undefined });
    if (result.outcome !== 'signed-in') {
      const refusal = signInRefusal(result, page.t);
      ctx.set(refusal.headers);
      page.csrfToken = loginCsrfToken(ctx);
      return sendPage(ctx, loginPage(page, { username: form.username, next, error: refusal.message }), refusal.status);
    }
    const { user } = result;
    // The page language becomes the language of the user's mail; never a reason to refuse sign-in.
    await c.users.rememberLang(user, page.lang).catch((err: unknown) => c.logger.warn({ err }, 'language not remembered'));
    // A fresh id at every sign-in: a session id planted before sign-in is worth nothing.
    if (ctx.state.webSession) await c.webSessions.end(ctx.state.webSession.id);
    const id = await c.webSessions.start(user);
    setSessionCookie(ctx, id, new Date(c.clock().getTime() + SESSION_LIFETIME_MS));
    ctx.cookies.set(LOGIN_CSRF_COOKIE, null, { signed: true, path: '/login', overwrite: true });
    seeOther(ctx, next);
  });

  router.post('/logout', async function signOut(ctx) {
    if (ctx.state.webSession) await c.webSessions.end(ctx.state.webSession.id);
    clearSessionCookie(ctx);
    seeOther(ctx, '/login');
  });

  router.get('/language/:lang', async function switchLanguage(ctx) {
    const lang = ctx.params.lang;
    if (isLang(lang)) {
      ctx.cookies.set(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', maxAge: 365 * 86_400_000, overwrite: true });
      const user = ctx.state.webSession?.user;
      if (user) await c.users.rememberLang(user, lang).catch((err: unknown) => c.logger.warn({ err }, 'language not remembered'));
    }
    seeOther(ctx, safeLocalPath(ctx.query.next, '/'));
  });

  return router;
}
