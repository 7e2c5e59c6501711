import type { Notification } from '../../../entities/index.js';
import { formatDateTime } from '../format.js';
import { html } from '../html.js';
import { layout, type PageContext } from '../layout.js';

export const NOTIFICATIONS = '/settings/notifications';

/** Settings → Notifications: the notices about the user's tokens, newest first (docs/notifications.md). */
export function notificationListPage(ctx: PageContext, view: { notifications: Notification[] }): string {
  const { t } = ctx;
  const text = (n: Notification) =>
    t(`notices.${n.kind}`, {
      name: n.tokenName,
      last4: n.tokenLastFour,
      days: String(n.thresholdDays),
      date: n.tokenExpiresAt ? formatDateTime(n.tokenExpiresAt) : '',
      scopes: (n.scopes ?? []).join(', '),
    });
  return layout(ctx, {
    title: t('notices.title'),
    section: 'notifications',
    body: html`<h1>${t('notices.title')}</h1>
<p class="intro">${t('notices.intro')}</p>
${view.notifications.length === 0
  ? html`<p class="empty">${t('notices.empty')}</p>`
  : html`<div class="table-wrap"><table class="notifications">
<caption class="visually-hidden">${t('notices.title')}</caption>
<thead><tr><th scope="col">${t('notices.col.when')}</th><th scope="col">${t('notices.col.notice')}</th><th scope="col">${t('notices.col.mail')}</th></tr></thead>
<tbody>${view.notifications.map((n) => html`<tr>
  <td>${formatDateTime(n.createdAt)}${n.readAt ? '' : html` <strong>${t('notices.new')}</strong>`}</td>
  <td>${text(n)}</td>
  <td>${t(`notices.mail.${n.mailState}`)}</td>
</tr>`)}</tbody>
</table></div>`}`,
  });
}
