import type { User } from '../../entities/index.js';
import { HTML_LANG, LANG_NAMES, LANGS, type Lang, type Translate } from '../i18n/index.js';
import { html, type Html } from './html.js';
import { staticAssets } from './static-assets.js';

/** What every page needs to know about the request. Built by the web router; OAuth pages may build one too. */
export interface PageContext {
  lang: Lang;
  t: Translate;
  /** The signed-in user, if any: shows the navigation and the sign-out button. */
  user?: User | null;
  /** The session's CSRF token, for the sign-out form. */
  csrfToken?: string;
  /** Path (+ query) of this page, so the language switcher returns here. */
  currentPath: string;
  /** A one-line notice (already translated). */
  flash?: string;
}

export interface Page {
  title: string;
  body: Html;
  /** Marks the navigation entry of the current section. */
  section?: 'tokens' | 'authorizations' | 'applications' | 'notifications' | 'security-log' | 'admin';
}

/** The page shell: skip link, header with navigation and language switcher, main, one stylesheet. */
export function layout(ctx: PageContext, page: Page): string {
  const { t, user } = ctx;
  const current = (section: Page['section']) => (page.section === section ? html` aria-current="page"` : '');
  const nav = user
    ? html`<nav aria-label="${t('nav.settings')}"><ul>
        <li><a href="/settings/tokens"${current('tokens')}>${t('nav.tokens')}</a></li>
        <li><a href="/settings/authorizations"${current('authorizations')}>${t('nav.authorizations')}</a></li>
        <li><a href="/settings/applications"${current('applications')}>${t('nav.applications')}</a></li>
        <li><a href="/settings/notifications"${current('notifications')}>${t('nav.notifications')}</a></li>
        <li><a href="/settings/security-log"${current('security-log')}>${t('nav.security_log')}</a></li>
        ${user.isAdmin ? html`<li><a href="/admin/users"${current('admin')}>${t('nav.admin_users')}</a></li>` : ''}
      </ul></nav>`
    : '';
  const account = user
    ? html`<div class="account"><span>${t('nav.signed_in_as', { name: user.username })}</span>
        <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ''}"><button type="submit" class="link">${t('auth.sign_out')}</button></form></div>`
    : '';
  const languages = html`<ul class="languages" aria-label="${t('nav.language')}">${LANGS.map((lang) =>
    lang === ctx.lang
      ? html`<li><span aria-current="true" lang="${HTML_LANG[lang]}">${LANG_NAMES[lang]}</span></li>`
      : html`<li><a href="/language/${lang}?next=${encodeURIComponent(ctx.currentPath)}" lang="${HTML_LANG[lang]}" hreflang="${HTML_LANG[lang]}">${LANG_NAMES[lang]}</a></li>`,
  )}</ul>`;
  return html`<!doctype html>
<html lang="${HTML_LANG[ctx.lang]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${t('app.name')}</title>
<link rel="stylesheet" href="${staticAssets.get('tessera.css')!.url}">
<script src="${staticAssets.get('copy.js')!.url}" defer></script>
</head>
<body>
<a class="skip" href="#main">${t('nav.skip')}</a>
<header class="top">
  <a class="brand" href="/">${t('app.name')}</a>
  ${nav}
  <div class="top-right">${languages}${account}</div>
</header>
<main id="main" tabindex="-1">
${ctx.flash ? html`<p class="flash" role="status">${ctx.flash}</p>` : ''}
${page.body}
</main>
</body>
</html>
`.value;
}

/** The hidden field every form carries. */
export function csrfField(ctx: Pick<PageContext, 'csrfToken'>): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ''}">`;
}

/** An inline error summary at the top of a form. */
export function formError(ctx: PageContext, message: string | undefined): Html | '' {
  if (!message) return '';
  return html`<div class="error" role="alert" id="form-error"><strong>${ctx.t('form.error_title')}</strong><p>${message}</p></div>`;
}
