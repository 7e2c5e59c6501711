import { html, type Html } from './html.js';
import type { PageContext } from './layout.js';

/** Previous / "page n of m" / next under a list; nothing when everything fits on one page. */
export function pager(ctx: PageContext, view: { page: number; pages: number; label: string; link: (page: number) => string }): Html | '' {
  const { t } = ctx;
  if (view.pages <= 1) return '';
  return html`<nav class="pager" aria-label="${view.label}">
  ${view.page > 1 ? html`<a href="${view.link(view.page - 1)}" rel="prev">${t('tokens.prev')}</a>` : ''}
  <span>${view.label}</span>
  ${view.page < view.pages ? html`<a href="${view.link(view.page + 1)}" rel="next">${t('tokens.next')}</a>` : ''}
</nav>`;
}
