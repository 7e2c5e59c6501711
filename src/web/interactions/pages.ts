/**
 * The authorization server's pages: sign-in, consent, device code entry/confirmation, device
 * success, sign-out and errors. One small function per page, drawn in the web pages' shared
 * layout and strings (src/http/views, src/web/i18n), so they look and read like the rest of Tessera.
 * The form field names and actions are the interaction routes' contract: keep them.
 */
import { html, raw } from '../views/html.js';
import { layout, type PageContext } from '../views/layout.js';
import { translator, type Lang } from '../i18n/index.js';
import { pageHeaders } from '../middleware/page-context.js';

export type { Lang } from '../i18n/index.js';

/**
 * Headers for every one of these pages: those of the other pages, but without form-action:
 * browsers apply it to the redirects that follow a form post, and consent ends in a redirect to the app.
 */
export const PAGE_HEADERS = pageHeaders({ formAction: false });

/** These pages stand outside the settings pages: no navigation, but the language switcher returns here. */
function pageContext(lang: Lang, action = '/'): PageContext {
  // Form actions may be absolute (the provider's urlFor); the switcher only returns to local paths.
  const currentPath = /^https?:/.test(action) ? new URL(action).pathname : action;
  return { lang, t: translator(lang), user: null, currentPath };
}

function errorBlock(message: string | undefined) {
  return message ? html`<div class="error" role="alert" id="form-error"><p>${message}</p></div>` : '';
}

export interface LoginPageData {
  lang: Lang;
  action: string;
  csrfToken: string;
  clientName: string;
  username?: string;
  error?: string;
}

export function renderLogin(d: LoginPageData): string {
  const ctx = pageContext(d.lang, d.action);
  const { t } = ctx;
  const described = d.error ? html` aria-describedby="form-error"` : '';
  return layout(ctx, {
    title: t('auth.sign_in'),
    body: html`<section class="narrow">
<h1>${t('auth.sign_in')}</h1>
<p class="app-line">${t('oauth.sign_in_to', { app: d.clientName })}</p>
${errorBlock(d.error)}
<form method="post" action="${d.action}" autocomplete="on" class="stack">
  <input type="hidden" name="csrf_token" value="${d.csrfToken}">
  <label for="username">${t('auth.username')}</label>
  <input type="text" id="username" name="username" value="${d.username ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus${described}>
  <label for="password">${t('auth.password')}</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required${described}>
  <div class="actions">
    <button type="submit" name="action" value="login" class="primary">${t('auth.sign_in')}</button>
    <button type="submit" name="action" value="abort" formnovalidate>${t('form.cancel')}</button>
  </div>
</form>
</section>`,
  });
}

export interface ConsentPageData {
  lang: Lang;
  action: string;
  csrfToken: string;
  clientName: string;
  homepageUrl?: string;
  username: string;
  /** Each requested scope with its description in the page's language. */
  scopes: { name: string; description: string }[];
}

export function renderConsent(d: ConsentPageData): string {
  const ctx = pageContext(d.lang, d.action);
  const { t } = ctx;
  const title = t('oauth.authorize_app', { app: d.clientName });
  return layout(ctx, {
    title,
    body: html`<section class="consent">
<h1>${title}</h1>
<p id="consent-intro">${t('oauth.wants_access', { app: d.clientName, user: d.username })}</p>
${d.scopes.length
  ? html`<ul class="scope-list" aria-labelledby="consent-intro">${d.scopes.map((s) => html`<li><code class="scope">${s.name}</code><br>${s.description}</li>`)}</ul>`
  : html`<p>${t('oauth.no_scopes')}</p>`}
${d.homepageUrl ? html`<p class="app-line">${t('oauth.homepage')}: <a href="${d.homepageUrl}" rel="noopener noreferrer">${d.homepageUrl}</a></p>` : ''}
<form method="post" action="${d.action}" class="actions">
  <input type="hidden" name="csrf_token" value="${d.csrfToken}">
  <button type="submit" name="action" value="confirm" class="primary">${t('oauth.authorize')}</button>
  <button type="submit" name="action" value="abort">${t('form.cancel')}</button>
</form>
</section>`,
  });
}

export interface DeviceInputPageData {
  lang: Lang;
  action: string;
  /** The provider's hidden fields (its xsrf secret), as it wrote them: see src/oidc/provider-forms.ts. */
  hiddenFields: string;
  userCode?: string;
  error?: string;
}

export function renderDeviceInput(d: DeviceInputPageData): string {
  const ctx = pageContext(d.lang, d.action);
  const { t } = ctx;
  const described = d.error ? 'code-hint form-error' : 'code-hint';
  return layout(ctx, {
    title: t('oauth.enter_code'),
    body: html`<section class="narrow">
<h1>${t('oauth.enter_code')}</h1>
${errorBlock(d.error)}
<form method="post" action="${d.action}" class="stack">
  ${raw(d.hiddenFields)}
  <label for="user_code">${t('oauth.code')}</label>
  <input type="text" id="user_code" name="user_code" value="${d.userCode ?? ''}" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus aria-describedby="${described}">
  <small id="code-hint">${t('oauth.code_hint')}</small>
  <div class="actions"><button type="submit" class="primary">${t('oauth.continue')}</button></div>
</form>
</section>`,
  });
}

export interface DeviceConfirmPageData {
  lang: Lang;
  action: string;
  /** The provider's own confirmation form (id op.deviceConfirmForm, hidden fields only); the buttons submit it. */
  form: string;
  userCode: string;
  clientName: string;
}

export function renderDeviceConfirm(d: DeviceConfirmPageData): string {
  const ctx = pageContext(d.lang, d.action);
  const { t } = ctx;
  return layout(ctx, {
    title: t('oauth.confirm_device'),
    body: html`<section class="narrow">
<h1>${t('oauth.confirm_device')}</h1>
<p>${t('oauth.confirm_code', { app: d.clientName })}</p>
<p>${t('oauth.code')}: <strong class="user-code">${d.userCode}</strong></p>
${raw(d.form)}
<div class="actions">
  <button type="submit" form="op.deviceConfirmForm" class="primary">${t('oauth.approve')}</button>
  <button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">${t('oauth.abort')}</button>
</div>
</section>`,
  });
}

export function renderDeviceSuccess(d: { lang: Lang; clientName: string }): string {
  const ctx = pageContext(d.lang);
  const { t } = ctx;
  return layout(ctx, {
    title: t('oauth.device_done'),
    body: html`<section class="narrow"><h1>${t('oauth.device_done')}</h1>
<p>${t('oauth.device_done_text', { app: d.clientName })}</p></section>`,
  });
}

/** `form` is the provider's own hidden-field form (id op.logoutForm); the buttons submit it. */
export function renderLogout(d: { lang: Lang; form: string }): string {
  const ctx = pageContext(d.lang);
  const { t } = ctx;
  return layout(ctx, {
    title: t('auth.sign_out'),
    body: html`<section class="narrow"><h1>${t('oauth.sign_out_question')}</h1>
${raw(d.form)}
<div class="actions">
  <button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary" autofocus>${t('auth.sign_out')}</button>
  <button type="submit" form="op.logoutForm">${t('oauth.stay')}</button>
</div></section>`,
  });
}

export function renderLoggedOut(d: { lang: Lang }): string {
  const ctx = pageContext(d.lang);
  const { t } = ctx;
  return layout(ctx, { title: t('auth.sign_out'), body: html`<section class="narrow"><h1>${t('oauth.signed_out')}</h1></section>` });
}

export interface ErrorPageData {
  lang: Lang;
  error: string;
  description?: string;
}

/** An OAuth error shown to a person (when it cannot be sent back to the app). */
export function renderError(d: ErrorPageData): string {
  const ctx = pageContext(d.lang);
  const { t } = ctx;
  return layout(ctx, {
    title: t('oauth.error'),
    body: html`<section class="narrow"><h1>${t('oauth.error')}</h1>
<p role="alert"><code>${d.error}</code>${d.description ? html`: ${d.description}` : ''}</p></section>`,
  });
}

/** The device page's message for a failed code entry. */
export function deviceInputError(lang: Lang, kind: 'wrong' | 'aborted' | 'other'): string {
  return translator(lang)(`oauth.code_${kind}`);
}
