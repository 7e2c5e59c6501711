import type { Notification } from '../entities/index.js';
import type { Lang } from '../messages/lang.js';
import type { Mail } from './mailer.js';

/** What a notice's mail says, in the owner's language. Never a token: its name and last four characters only. */
type Texts = { subject: string; lines: string[] };

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function texts(n: Notification, lang: Lang): Texts {
  const token = `“${n.tokenName}” (…${n.tokenLastFour})`;
  const expires = n.tokenExpiresAt ? n.tokenExpiresAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '';
  const scopes = (n.scopes ?? []).join(', ');
  if (lang === 'zh') {
    switch (n.kind) {
      case 'token_expiring':
        return { subject: `你的访问令牌 ${n.tokenName} 将在 ${n.thresholdDays} 天内过期`, lines: [`你的个人访问令牌 ${token} 将于 ${expires} 过期。`, '如仍需使用，请在过期前新建或续期令牌。'] };
      case 'token_expired':
        return { subject: `你的访问令牌 ${n.tokenName} 已过期`, lines: [`你的个人访问令牌 ${token} 已于 ${expires} 过期，使用它的请求将被拒绝。`] };
      case 'token_leaked':
        return { subject: `你的访问令牌 ${n.tokenName} 已因泄露被吊销`, lines: [`有人报告你的个人访问令牌 ${token} 已公开泄露，Tessera 已将其吊销。`, '请检查令牌出现的位置，并为需要的地方新建令牌。'] };
      case 'sensitive_scope':
        return { subject: `新建的访问令牌 ${n.tokenName} 拥有敏感权限`, lines: [`你的账号新建了个人访问令牌 ${token}，权限包含：${scopes}。`, '如果这不是你本人的操作，请立即吊销该令牌并修改密码。'] };
    }
  }
  switch (n.kind) {
    case 'token_expiring':
      return {
        subject: `Your access token ${n.tokenName} expires within ${n.thresholdDays} day${n.thresholdDays === 1 ? '' : 's'}`,
        lines: [`Your personal access token ${token} expires on ${expires}.`, 'If you still need it, create or regenerate a token before then.'],
      };
    case 'token_expired':
      return { subject: `Your access token ${n.tokenName} has expired`, lines: [`Your personal access token ${token} expired on ${expires}; requests using it are refused.`] };
    case 'token_leaked':
      return {
        subject: `Your access token ${n.tokenName} was revoked after a leak`,
        lines: [`Someone reported your personal access token ${token} as publicly exposed, and Tessera revoked it.`, 'Check where it appeared, and create a new token where you need one.'],
      };
    case 'sensitive_scope':
      return {
        subject: `A new access token ${n.tokenName} has sensitive scopes`,
        lines: [`A personal access token ${token} was created on your account with: ${scopes}.`, 'If this was not you, revoke it now and change your password.'],
      };
  }
}

/** The mail for a notice, plain text and HTML, with a link to the notifications page. */
export function notificationMail(n: Notification, to: string, lang: Lang, issuer: string): Mail {
  const { subject, lines } = texts(n, lang);
  const link = `${issuer.replace(/\/$/, '')}/settings/notifications`;
  const more = lang === 'zh' ? '查看所有通知：' : 'All your notifications: ';
  return {
    to,
    subject,
    text: [...lines, '', `${more}${link}`, '', '— Tessera'].join('\n'),
    html: `<div lang="${lang === 'zh' ? 'zh-CN' : 'en'}">${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}<p>${escapeHtml(more)}<a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p>— Tessera</p></div>`,
  };
}
