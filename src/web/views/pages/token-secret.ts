import { html } from '../html.js';
import { layout, type Page, type PageContext } from '../layout.js';
import { secretField } from './secret-field.js';

/** The one page that shows a token secret: after create or regenerate, once. */
export function tokenSecretPage(
  ctx: PageContext,
  view: { token: string; name: string; regenerated: boolean; back: string; section?: Page['section'] },
): string {
  const { t } = ctx;
  const title = view.regenerated ? t('created.regenerated_title') : t('created.title');
  return layout(ctx, {
    title,
    section: view.section ?? 'tokens',
    body: html`<section>
<h1>${title}</h1>
<p class="token-name-line"><strong>${view.name}</strong></p>
<p class="warning" role="alert">${t('created.warning')}</p>
${secretField(ctx, 'token-value', t('created.label'), view.token)}
<p><a href="${view.back}">${t('created.back')}</a></p>
</section>`,
  });
}
