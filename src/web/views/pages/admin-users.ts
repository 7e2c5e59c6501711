import type { PersonalAccessToken, User } from '../../../entities/index.js';
import { formatDateTime } from '../format.js';
import { patStatus } from '../../../tokens/introspection/pat-introspector.js';
import { html } from '../html.js';
import { csrfField, formError, layout, type PageContext } from '../layout.js';
import { tokenForm, type TokenFormView } from './token-form-page.js';

export interface NewUserValues {
  username: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
}

/** Admin → Users: the list and the "new user" form. */
export function adminUsersPage(ctx: PageContext, view: { users: User[]; values: NewUserValues; error?: string }): string {
  const { t } = ctx;
  const v = view.values;
  return layout(ctx, {
    title: t('admin.users_title'),
    section: 'admin',
    body: html`<h1>${t('admin.users_title')}</h1>
<p><a href="/admin/security-log">${t('seclog.admin_title')}</a></p>
<div class="table-wrap"><table class="users">
<thead><tr><th scope="col">${t('admin.col.username')}</th><th scope="col">${t('admin.col.display_name')}</th><th scope="col">${t('admin.col.email')}</th>
<th scope="col">${t('admin.col.admin')}</th><th scope="col">${t('admin.col.created')}</th><th scope="col">${t('tokens.col.actions')}</th></tr></thead>
<tbody>${view.users.map((u) => html`<tr>
  <th scope="row">${u.username}</th><td>${u.displayName}</td><td>${u.email}</td>
  <td>${u.isAdmin ? t('admin.yes') : t('admin.no')}</td><td>${formatDateTime(u.createdAt)}</td>
  <td><a href="/admin/users/${encodeURIComponent(u.username)}">${t('admin.manage_tokens')}</a></td>
</tr>`)}</tbody>
</table></div>
<h2 id="new-user">${t('admin.new_user')}</h2>
${formError(ctx, view.error)}
<form method="post" action="/admin/users" class="stack" aria-labelledby="new-user">
  ${csrfField(ctx)}
  <label for="username">${t('admin.col.username')}</label>
  <input id="username" name="username" required maxlength="39" pattern="[a-z0-9][a-z0-9._\-]{0,38}" autocapitalize="none" spellcheck="false" autocomplete="off" value="${v.username}">
  <label for="email">${t('admin.email')}</label>
  <input id="email" name="email" type="email" required maxlength="254" autocomplete="off" value="${v.email}">
  <label for="display_name">${t('admin.display_name')}</label>
  <input id="display_name" name="display_name" maxlength="128" value="${v.displayName}">
  <label for="password">${t('auth.password')}</label>
  <input id="password" name="password" type="password" required minlength="8" autocomplete="new-password">
  <label class="choice"><input type="checkbox" name="is_admin" value="1"${v.isAdmin ? html` checked` : ''}> ${t('admin.is_admin')}</label>
  <div class="actions"><button type="submit" class="primary">${t('admin.create_user')}</button></div>
</form>`,
  });
}

/** Admin → Users → one user: their impersonation tokens, revoke, and the issue form. */
export function adminUserTokensPage(
  ctx: PageContext,
  view: { user: User; tokens: PersonalAccessToken[]; now: Date; form: TokenFormView },
): string {
  const { t } = ctx;
  const title = t('admin.impersonation_title', { name: view.user.username });
  return layout(ctx, {
    title,
    section: 'admin',
    body: html`<h1>${title}</h1>
<p class="intro">${t('admin.impersonation_intro')}</p>
<p><a href="/admin/security-log?${new URLSearchParams({ user: view.user.username }).toString()}">${t('seclog.of_user', { name: view.user.username })}</a></p>
${view.tokens.length === 0
  ? html`<p class="empty">${t('tokens.empty')}</p>`
  : html`<div class="table-wrap"><table class="tokens">
<thead><tr><th scope="col">${t('tokens.col.name')}</th><th scope="col">${t('tokens.col.scopes')}</th><th scope="col">${t('tokens.col.last_used')}</th>
<th scope="col">${t('tokens.col.expires')}</th><th scope="col">${t('tokens.col.status')}</th><th scope="col">${t('tokens.col.token')}</th><th scope="col">${t('tokens.col.actions')}</th></tr></thead>
<tbody>${view.tokens.map((pat) => {
      const status = patStatus(pat, view.now);
      return html`<tr>
  <th scope="row">${pat.name}</th>
  <td>${pat.scopes.map((s) => html`<code class="scope">${s}</code> `)}</td>
  <td>${pat.lastUsedAt ? formatDateTime(pat.lastUsedAt) : t('tokens.never_used')}</td>
  <td>${pat.expiresAt ? formatDateTime(pat.expiresAt) : t('tokens.never_expires')}</td>
  <td><span class="status status-${status}">${t(`tokens.status.${status}`)}</span></td>
  <td><code>…${pat.tokenLastFour}</code></td>
  <td>${pat.revokedAt ? '' : html`<form method="post" action="/admin/users/${encodeURIComponent(view.user.username)}/impersonation-tokens/${pat.id}/revoke">
    ${csrfField(ctx)}<button type="submit" class="danger small" aria-label="${t('admin.revoke')} ${pat.name}">${t('admin.revoke')}</button></form>`}</td>
</tr>`;
    })}</tbody></table></div>`}
<h2>${t('admin.issue_token')}</h2>
${tokenForm(ctx, view.form)}`,
  });
}
