import type { Context, Middleware, ParameterizedContext } from 'koa';
import type { PageContext } from '../views/layout.js';
import { requestLang, translator, type MessageKey } from '../i18n/index.js';
import type { ActiveWebSession, WebSessionService } from '../../services/web-session-service.js';
import type { RequestState } from '../../http/state.js';

/** A page request's state: what every request carries, and the page context below. */
export interface PageState extends RequestState {
  page: PageContext;
}

export type PageCtx = ParameterizedContext<PageState>;

/**
 * What every page template receives: language (cookie, else Accept-Language), the
 * translator, the signed-in user and the CSRF token. Stored as `ctx.state.page`.
 */
export const pageContext: Middleware<PageState> = async function buildPageContext(ctx, next) {
  const lang = requestLang(ctx);
  const session = ctx.state.webSession;
  const page: PageContext = { lang, t: translator(lang), user: session?.user ?? null, csrfToken: session?.csrfToken, currentPath: ctx.url };
  ctx.state.page = page;
  ctx.vary('Accept-Language');
  ctx.vary('Cookie');
  return next();
};

/**
 * The headers every page gets: never cached (pages carry CSRF tokens and user data), a strict
 * CSP (this site's stylesheet, script and images only), never framed (clickjacking). Forms may
 * only post here (`form-action`), unless `formAction` is false (see interactions/pages.ts).
 */
export function pageHeaders(options: { formAction: boolean }): Readonly<Record<string, string>> {
  const csp = ["default-src 'none'", "style-src 'self'", "script-src 'self'", "img-src 'self' data:"];
  if (options.formAction) csp.push("form-action 'self'");
  csp.push("frame-ancestors 'none'", "base-uri 'none'");
  return { 'Cache-Control': 'no-store', 'Content-Security-Policy': csp.join('; '), 'X-Frame-Options': 'DENY' };
}

const SEND_PAGE_HEADERS = pageHeaders({ formAction: true });

/** Sends a rendered page with the headers every page gets (pageHeaders). */
export function sendPage(ctx: Context, markup: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set(SEND_PAGE_HEADERS);
  ctx.body = markup;
}

/** Leaves a one-line notice for the next page the user sees. */
export async function setFlash(sessions: WebSessionService, session: ActiveWebSession, key: MessageKey, vars?: Record<string, string | number>): Promise<void> {
  session.data.flash = { key, vars };
  await sessions.save(session);
}

/** Moves the session's notice, if any, onto the page being rendered (shown once). */
export async function takeFlash(sessions: WebSessionService, ctx: PageCtx): Promise<void> {
  const session = ctx.state.webSession;
  const flash = session && (await sessions.take(session, 'flash'));
  if (!flash) return;
  const page = ctx.state.page;
  page.flash = page.t(flash.key as MessageKey, flash.vars);
}

/** A path on this site to return to; anything else (other hosts, `//evil`, `/\evil`) becomes the fallback. */
export function safeLocalPath(candidate: unknown, fallback = '/'): string {
  if (typeof candidate !== 'string' || !candidate.startsWith('/') || candidate.startsWith('//') || candidate.includes('\\')) return fallback;
  if (/[\u0000-\u001f]/.test(candidate) || candidate.length > 2000) return fallback;
  return candidate;
}
