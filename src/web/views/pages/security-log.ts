import type { SecurityEvent } from '../../../entities/index.js';
import { SECURITY_ACTIONS } from '../../../services/security-log.js';
import { hasTranslation } from '../../i18n/index.js';
import { formatDateTime } from '../format.js';
import { html, type Html } from '../html.js';
import { layout, type PageContext } from '../layout.js';
import { pager } from '../pager.js';

export const OWN_SECURITY_LOG = '/settings/security-log';
export const ADMIN_SECURITY_LOG = '/admin/security-log';

export interface SecurityLogView {
  entries: SecurityEvent[];
  total: number;
  page: number;
  pageSize: number;
  /** The filters as given ('' for none). */
  action: string;
  hashedToken: string;
  /** Admin only: one user's entries ('' for everyone's). Undefined on the user's own page. */
  user?: string;
}

/** Settings → Security log (own entries) and Admin → Security log (everyone's): filters, table, paging. */
export function securityLogPage(ctx: PageContext, view: SecurityLogView): string {
  const { t } = ctx;
  const admin = view.user !== undefined;
  const base = admin ? ADMIN_SECURITY_LOG : OWN_SECURITY_LOG;
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const query = (changes: Record<string, string>) => {
    const params = { ...(admin ? { user: view.user ?? '' } : {}), action: view.action, hashed_token: view.hashedToken, page: String(view.page), ...changes };
    return `${base}?${new URLSearchParams(Object.entries(params).filter(([k, v]) => v !== '' && !(k === 'page' && v === '1'))).toString()}`;
  };
  const actionName = (action: string) => {
    const key = `seclog.action.${action}`;
    return hasTranslation(key) ? t(key) : action;
  };
  const filtered = view.action !== '' || view.hashedToken !== '' || (admin && view.user !== '');
  const title = admin ? t('seclog.admin_title') : t('seclog.title');
  const rows = view.entries.map((e) => html`<tr>
  <td class="nowrap"><time datetime="${e.occurredAt.toISOString()}">${formatDateTime(e.occurredAt)}</time></td>
  <td><span class="action" data-action="${e.action}">${actionName(e.action)}</span></td>
  ${admin ? html`<td>${e.userName ? html`<a href="${query({ user: e.userName, page: '1' })}">${e.userName}</a>` : html`<span class="muted">${t('seclog.none')}</span>`}</td>` : ''}
  <td>${e.actorName ?? html`<span class="muted">${t(noActor(e))}</span>`}</td>
  <td>${e.ip ? html`<code>${e.ip}</code>` : html`<span class="muted">${t('seclog.none')}</span>`}</td>
  <td class="agent">${e.userAgent ?? html`<span class="muted">${t('seclog.none')}</span>`}</td>
  <td>${tokenCell(ctx, e, (hash) => query({ hashed_token: hash, page: '1' }))}</td>
  <td class="details">${detailsCell(e)}</td>
</tr>`);
  return layout(ctx, {
    title,
    section: admin ? 'admin' : 'security-log',
    body: html`<h1>${title}</h1>
<p class="intro">${admin ? t('seclog.admin_intro') : t('seclog.intro')}</p>
${admin ? html`<p><a href="/admin/users">${t('nav.admin_users')}</a></p>` : ''}
<form method="get" action="${base}" class="filters" role="search">
  ${admin ? html`<label for="user">${t('seclog.filter.user')}</label>
  <input id="user" name="user" value="${view.user ?? ''}" maxlength="64" autocapitalize="none" spellcheck="false">` : ''}
  <label for="action">${t('seclog.filter.action')}</label>
  <select id="action" name="action">
    <option value="">${t('seclog.filter.any_action')}</option>
    ${SECURITY_ACTIONS.map((a) => html`<option value="${a}"${view.action === a ? html` selected` : ''}>${actionName(a)}</option>`)}
  </select>
  <label for="hashed_token">${t('seclog.filter.hashed_token')}</label>
  <input id="hashed_token" name="hashed_token" value="${view.hashedToken}" maxlength="44" size="46" spellcheck="false" aria-describedby="hashed-token-hint">
  <button type="submit">${t('tokens.filter.apply')}</button>
  <small id="hashed-token-hint">${t('seclog.filter.hashed_token_hint')}</small>
</form>
${view.entries.length === 0
  ? html`<p class="empty">${filtered ? t('seclog.none_match') : t('seclog.empty')}</p>`
  : html`<div class="table-wrap"><table class="security-log">
<caption class="visually-hidden">${title}</caption>
<thead><tr>
  <th scope="col">${t('seclog.col.time')}</th><th scope="col">${t('seclog.col.action')}</th>
  ${admin ? html`<th scope="col">${t('seclog.col.user')}</th>` : ''}
  <th scope="col">${t('seclog.col.actor')}</th><th scope="col">${t('seclog.col.address')}</th><th scope="col">${t('seclog.col.user_agent')}</th>
  <th scope="col">${t('seclog.col.token')}</th><th scope="col">${t('seclog.col.details')}</th>
</tr></thead>
<tbody>${rows}</tbody>
</table></div>`}
${pager(ctx, { page: view.page, pages, label: t('seclog.page', { page: view.page, pages, total: view.total }), link: (page) => query({ page: String(page) }) })}`,
  });
}

/** Who did it when no user did: an operator's command, someone unknown (a failed sign-in), or the system. */
function noActor(e: SecurityEvent): 'seclog.operator' | 'seclog.unknown' | 'seclog.system' {
  if (e.details?.via === 'cli') return 'seclog.operator';
  return e.action === 'user.sign_in_failed' ? 'seclog.unknown' : 'seclog.system';
}

/** The token: its kind and record id, and its public hash as a link to that token's entries. */
function tokenCell(ctx: PageContext, e: SecurityEvent, byHash: (hash: string) => string): Html | string {
  if (!e.tokenKind) return '';
  const key = `seclog.token.${e.tokenKind}`;
  const kind = hasTranslation(key) ? ctx.t(key) : e.tokenKind;
  return html`${kind}${e.tokenId !== null ? html` #${e.tokenId}` : ''}${e.hashedToken
    ? html`<br><a href="${byHash(e.hashedToken)}" title="${ctx.t('seclog.filter.by_hash')}"><code class="hash">${e.hashedToken}</code></a>`
    : ''}`;
}

/** The entry's facts, and the app it concerns. */
function detailsCell(e: SecurityEvent): Html {
  const facts: [string, string][] = Object.entries(e.details ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(' ') : String(v)]);
  if (e.clientId) facts.unshift(['client_id', e.clientId]);
  return html`<dl class="details">${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}
