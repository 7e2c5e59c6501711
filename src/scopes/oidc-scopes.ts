import type { ScopeDefinition } from './scope-registry.js';

/** OpenID Connect's own scopes: listed in discovery and on consent, never on a PAT. */
export const oidcScopes: ScopeDefinition[] = [
  { name: 'openid', kind: 'oidc', access: 'read', description: { en: 'Sign you in with your Tessera account', zh: '使用你的 Tessera 账号登录' } },
  { name: 'profile', kind: 'oidc', access: 'read', description: { en: 'Know your name and username', zh: '获取你的姓名和用户名' } },
  { name: 'email', kind: 'oidc', access: 'read', description: { en: 'Know your email address', zh: '获取你的邮箱地址' } },
  {
    name: 'offline_access',
    kind: 'oidc',
    access: 'read',
    description: { en: 'Keep access while you are away (refresh tokens)', zh: '在你离开时保持访问（刷新令牌）' },
  },
];
