import type { ScopeDefinition } from './scope-registry.js';

/**
 * The built-in scopes, after CODING's table (shared by OAuth and personal access tokens).
 * Operators add more through SCOPES_FILE. `implies` lists scopes that a grant of this one also covers.
 */
export const defaultScopes: ScopeDefinition[] = [
  {
    name: 'user',
    access: 'read',
    description: {
      en: 'Read your profile (name, avatar, tags, activity). Email needs user:email.',
      zh: '授权获取用户信息（用户名称，头像，tag，动态），邮箱需 user:email',
    },
  },
  {
    name: 'user:email',
    access: 'read',
    description: { en: "Read your email address", zh: '授权获取用户的 email' },
  },
  {
    name: 'notification',
    access: 'read-write',
    description: { en: 'Read and manage notifications, including email notifications', zh: '授权读取通知信息，包含 email 通知' },
  },
  {
    name: 'social:message',
    access: 'read-write',
    description: { en: 'Read and send private messages, including voice messages', zh: '授权读取、发送私信、私信语音' },
  },
  {
    name: 'project',
    access: 'read',
    description: {
      en: 'Read projects: project list, repositories, public keys, members and tasks',
      zh: '授权项目信息、项目列表，仓库信息，公钥列表、成员，任务列表',
    },
  },
  {
    name: 'project:depot',
    access: 'read-write',
    implies: ['project'],
    description: {
      en: 'Repositories: commits, branches, merge/pull requests, line notes, forks, webhooks; git over HTTPS',
      zh: '获取 commit 信息，分支操作，MR/PR, LineNotes, fork, webhook 等操作',
    },
  },
  {
    name: 'project:members',
    access: 'read-write',
    sensitive: true,
    implies: ['project'],
    description: { en: 'Add, remove and change project members; leave projects', zh: '授权项目管理者增、删、改项目成员，退出项目' },
  },
  {
    name: 'project:task',
    access: 'read-write',
    implies: ['project'],
    description: { en: 'Create, change and delete tasks', zh: '授权任务操作，包含增、删、改' },
  },
  {
    name: 'project:file',
    access: 'read-write',
    implies: ['project'],
    description: { en: 'Create, change and delete files', zh: '授权文件，包含增、删、改' },
  },
  {
    name: 'project:key',
    access: 'read-write',
    sensitive: true,
    implies: ['project'],
    description: { en: 'Manage deploy keys and personal public keys', zh: '授权操作部署公钥、个人公钥' },
  },
  {
    name: 'project:artifact',
    access: 'read-write',
    implies: ['project'],
    description: { en: 'Pull and push packages in artifact repositories', zh: '授权拉取、推送制品仓库中的制品' },
  },
  {
    name: 'project:ci',
    access: 'read-write',
    implies: ['project'],
    description: { en: 'Trigger, cancel and read continuous-integration builds', zh: '授权触发、取消及查看持续集成构建' },
  },
  {
    name: 'token:rotate',
    access: 'read-write',
    description: {
      en: 'Rotate this token itself (POST /api/v1/user/tokens/self/rotate): a new secret, the old one working for a grace period',
      zh: '授权令牌轮换自身（新密钥；旧密钥在宽限期内仍可使用）',
    },
  },
];
