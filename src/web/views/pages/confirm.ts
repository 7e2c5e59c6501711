import { html } from '../html.js';
import { csrfField, layout, type Page, type PageContext } from '../layout.js';

/** "Are you sure?" for destructive actions: a POST form, so it works without JavaScript. */
export function confirmPage(
  ctx: PageContext,
  page: { title: string; message: string; action: string; confirmLabel: string; cancelHref: string; section?: Page['section'] },
): string {
  const { t } = ctx;
  return layout(ctx, {
    title: page.title,
    section: page.section,
    body: html`<section class="narrow">
<h1>${page.title}</h1>
<p class="warning">${page.message}</p>
<form method="post" action="${page.action}" class="actions">
  ${csrfField(ctx)}
  <button type="submit" class="danger">${page.confirmLabel}</button>
  <a href="${page.cancelHref}">${t('form.cancel')}</a>
</form>
</section>`,
  });
}
