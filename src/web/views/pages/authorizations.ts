import type { ScopeRegistry } from '../../../scopes/scope-registry.js';
import type { Authorization } from '../../../services/authorization-service.js';
import { formatDateTime } from '../format.js';
import { html } from '../html.js';
import { layout, type PageContext } from '../layout.js';

export const AUTHORIZATIONS = '/settings/authorizations';

/** Settings → Authorized apps: what each app may do (descriptions from the registry), and revoke. */
export function authorizationListPage(ctx: PageContext, view: { authorizations: Authorization[]; scopes: ScopeRegistry }): string {
  const { t, lang } = ctx;
  return layout(ctx, {
    title: t('authz.title'),
    section: 'authorizations',
    body: html`<h1>${t('authz.title')}</h1>
<p class="intro">${t('authz.intro')}</p>
${view.authorizations.length === 0
  ? html`<p class="empty">${t('authz.empty')}</p>`
  : html`<div class="table-wrap"><table class="authorizations">
<caption class="visually-hidden">${t('authz.title')}</caption>
<thead><tr><th scope="col">${t('authz.col.app')}</th><th scope="col">${t('authz.col.scopes')}</th><th scope="col">${t('authz.col.granted')}</th>
<th scope="col">${t('authz.col.last_used')}</th><th scope="col">${t('tokens.col.actions')}</th></tr></thead>
<tbody>${view.authorizations.map((a) => html`<tr>
  <th scope="row">${a.homepageUrl ? html`<a href="${a.homepageUrl}" rel="noopener noreferrer">${a.applicationName}</a>` : a.applicationName}</th>
  <td><ul class="plain">${a.scopes.map((s) => {
    const description = view.scopes.get(s)?.description[lang];
    return html`<li><code class="scope">${s}</code>${description ? html` <small>${description}</small>` : ''}</li>`;
  })}</ul></td>
  <td>${formatDateTime(a.createdAt)}</td>
  <td>${a.lastUsedAt ? formatDateTime(a.lastUsedAt) : t('tokens.never_used')}</td>
  <td><a href="${AUTHORIZATIONS}/${encodeURIComponent(a.id)}/revoke" class="danger-link" aria-label="${t('authz.revoke')} ${a.applicationName}">${t('authz.revoke')}</a></td>
</tr>`)}</tbody>
</table></div>`}`,
  });
}
