import { html } from '../html.js';
import { layout, type PageContext } from '../layout.js';

/** A full error page (403, 404, 429, 500…) with a message and a way back. */
export function errorPage(ctx: PageContext, status: number, message: string): string {
  const { t } = ctx;
  return layout(ctx, {
    title: `${t('error.title')} ${status}`,
    body: html`<section class="narrow">
<h1>${t('error.title')} ${status}</h1>
<p>${message}</p>
<p><a href="/">${t('error.back')}</a></p>
</section>`,
  });
}
