import type { PersonalAccessToken } from '../../../entities/index.js';
import { formatDateTime } from '../format.js';
import { patStatus } from '../../../tokens/introspection/pat-introspector.js';
import { html } from '../html.js';
import { layout, type PageContext } from '../layout.js';
import { pager } from '../pager.js';

export interface TokenListView {
  tokens: PersonalAccessToken[];
  total: number;
  page: number;
  pageSize: number;
  state: 'all' | 'active' | 'inactive';
  search: string;
  now: Date;
}

/** Settings → Access tokens: filter, table, paging. */
export function tokenListPage(ctx: PageContext, view: TokenListView): string {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const link = (page: number) =>
    `/settings/tokens?${new URLSearchParams({ state: view.state, search: view.search, page: String(page) }).toString()}`;
  const filtered = view.state !== 'all' || view.search !== '';
  const rows = view.tokens.map((pat) => {
    const status = patStatus(pat, view.now);
    return html`<tr>
  <th scope="row"><span class="token-name">${pat.name}</span>${pat.description ? html`<br><small>${pat.description}</small>` : ''}</th>
  <td>${pat.scopes.map((s) => html`<code class="scope">${s}</code> `)}</td>
  <td class="last-used">${pat.lastUsedAt ? html`${formatDateTime(pat.lastUsedAt)}${pat.lastUsedIp ? html`<br><small>${t('tokens.last_used_from', { ip: pat.lastUsedIp })}</small>` : ''}` : t('tokens.never_used')}</td>
  <td>${pat.expiresAt ? formatDateTime(pat.expiresAt) : t('tokens.never_expires')}</td>
  <td><span class="status status-${status}">${t(`tokens.status.${status}`)}</span></td>
  <td><code>…${pat.tokenLastFour}</code></td>
  <td class="row-actions">
    <a href="/settings/tokens/${pat.id}/edit" aria-label="${t('tokens.edit')} ${pat.name}">${t('tokens.edit')}</a>
    ${pat.revokedAt ? '' : html`<a href="/settings/tokens/${pat.id}/regenerate" aria-label="${t('tokens.regenerate')} ${pat.name}">${t('tokens.regenerate')}</a>`}
    <a href="/settings/tokens/${pat.id}/delete" class="danger-link" aria-label="${t('tokens.delete')} ${pat.name}">${t('tokens.delete')}</a>
  </td>
</tr>`;
  });
  return layout(ctx, {
    title: t('tokens.title'),
    section: 'tokens',
    body: html`<div class="page-head">
  <h1>${t('tokens.title')}</h1>
  <div class="actions">
    <a class="button primary" href="/settings/tokens/new">${t('tokens.new')}</a>
    ${view.total > 0 || filtered ? html`<a class="button danger" href="/settings/tokens/delete-all">${t('tokens.delete_all')}</a>` : ''}
  </div>
</div>
<p class="intro">${t('tokens.intro')}</p>
<form method="get" action="/settings/tokens" class="filters" role="search">
  <label for="state">${t('tokens.filter.state')}</label>
  <select id="state" name="state">
    ${(['all', 'active', 'inactive'] as const).map((s) => html`<option value="${s}"${view.state === s ? html` selected` : ''}>${t(`tokens.filter.${s}`)}</option>`)}
  </select>
  <label for="search">${t('tokens.filter.search')}</label>
  <input id="search" name="search" type="search" value="${view.search}" maxlength="100">
  <button type="submit">${t('tokens.filter.apply')}</button>
</form>
${view.tokens.length === 0
  ? html`<p class="empty">${filtered ? t('tokens.none_match') : t('tokens.empty')}</p>`
  : html`<div class="table-wrap"><table class="tokens">
<caption class="visually-hidden">${t('tokens.title')}</caption>
<thead><tr>
  <th scope="col">${t('tokens.col.name')}</th><th scope="col">${t('tokens.col.scopes')}</th><th scope="col">${t('tokens.col.last_used')}</th>
  <th scope="col">${t('tokens.col.expires')}</th><th scope="col">${t('tokens.col.status')}</th><th scope="col">${t('tokens.col.token')}</th>
  <th scope="col">${t('tokens.col.actions')}</th>
</tr></thead>
<tbody>${rows}</tbody>
</table></div>`}
${pager(ctx, { page: view.page, pages, label: t('tokens.page', { page: view.page, pages, total: view.total }), link })}`,
  });
}
