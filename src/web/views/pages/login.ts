import { html } from '../html.js';
import { csrfField, layout, type PageContext } from '../layout.js';

/** The sign-in form. */
export function loginPage(ctx: PageContext, form: { username?: string; next: string; error?: string }): string {
  const { t } = ctx;
  return layout(ctx, {
    title: t('auth.sign_in'),
    body: html`<section class="narrow">
<h1>${t('auth.sign_in')}</h1>
${form.error ? html`<p class="error" role="alert">${form.error}</p>` : ''}
<form method="post" action="/login" class="stack">
  ${csrfField(ctx)}
  <input type="hidden" name="next" value="${form.next}">
  <label for="username">${t('auth.username')}</label>
  <input id="username" name="username" autocomplete="username" required value="${form.username ?? ''}" autofocus>
  <label for="password">${t('auth.password')}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" class="primary">${t('auth.sign_in')}</button>
</form>
</section>`,
  });
}
