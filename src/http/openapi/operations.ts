import { z } from 'zod';
import { createApplicationSchema, grantIdParamSchema, updateApplicationSchema } from '../schemas/application-schemas.js';
import { createPatSchema, idParamSchema, listPatQuerySchema, regeneratePatSchema, rotatePatSchema, updatePatSchema } from '../schemas/pat-schemas.js';
import {
  applicationResponse,
  applicationWithSecretResponse,
  authorizationResponse,
  currentUserResponse,
  errorResponse,
  notificationResponse,
  patResponse,
  patWithSecretResponse,
  scopeResponse,
  securityEventResponse,
  acceptedResponse,
  githubFeedbackResponse,
  tokenInfoResponse,
  userResponse,
} from '../schemas/response-schemas.js';
import { adminTokenSchema, githubSecretScanningSchema, revokeCredentialsSchema } from '../schemas/leak-schemas.js';
import { createUserSchema, listUsersQuerySchema } from '../schemas/user-schemas.js';
import { adminSecurityLogQuery, securityLogQuery } from '../schemas/security-log-schemas.js';
import { notificationQuerySchema } from '../schemas/notification-schemas.js';

/**
 * The named schemas of the document (`#/components/schemas/<name>`): request bodies as the routes
 * read them (zod input), responses as the presenters write them (zod output).
 */
export const namedSchemas = {
  Error: { schema: errorResponse, io: 'output' },
  Scope: { schema: scopeResponse, io: 'output' },
  CurrentUser: { schema: currentUserResponse, io: 'output' },
  User: { schema: userResponse, io: 'output' },
  CreateUser: { schema: createUserSchema, io: 'input' },
  Pat: { schema: patResponse, io: 'output' },
  PatWithSecret: { schema: patWithSecretResponse, io: 'output' },
  CreatePat: { schema: createPatSchema, io: 'input' },
  UpdatePat: { schema: updatePatSchema, io: 'input' },
  RegeneratePat: { schema: regeneratePatSchema, io: 'input' },
  RotatePat: { schema: rotatePatSchema, io: 'input' },
  Application: { schema: applicationResponse, io: 'output' },
  ApplicationWithSecret: { schema: applicationWithSecretResponse, io: 'output' },
  CreateApplication: { schema: createApplicationSchema, io: 'input' },
  UpdateApplication: { schema: updateApplicationSchema, io: 'input' },
  Authorization: { schema: authorizationResponse, io: 'output' },
  SecurityEvent: { schema: securityEventResponse, io: 'output' },
  RevokeCredentials: { schema: revokeCredentialsSchema, io: 'input' },
  Accepted: { schema: acceptedResponse, io: 'output' },
  GithubSecretScanningAlert: { schema: githubSecretScanningSchema, io: 'input' },
  GithubSecretScanningFeedback: { schema: githubFeedbackResponse, io: 'output' },
  AdminToken: { schema: adminTokenSchema, io: 'input' },
  TokenInfo: { schema: tokenInfoResponse, io: 'output' },
  Notification: { schema: notificationResponse, io: 'output' },
} as const satisfies Record<string, { schema: z.ZodType; io: 'input' | 'output' }>;

export type SchemaName = keyof typeof namedSchemas;

/**
 * Who may call: nobody needs to sign in (`none`); the user's password or web session
 * (`password`); the same, of an administrator (`admin`); a token with the scopes (`token`).
 */
export type Access = { kind: 'none' } | { kind: 'password' } | { kind: 'admin' } | { kind: 'token'; scopes: string[] };

/** Response headers the document describes (components.headers). */
export type HeaderName = 'Location' | 'X-Total-Count' | 'WWW-Authenticate' | 'Retry-After';

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** As the router spells it: `/api/v1/user/tokens/:id`. */
  path: string;
  /** The route handler's function name. */
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: SchemaName;
  success: { status: 200 | 201 | 202 | 204; description: string; schema?: SchemaName | 'Document'; list?: boolean; headers?: HeaderName[] };
  /** Errors beyond those the access, parameters and body imply: status → when. */
  errors?: Partial<Record<400 | 401 | 404 | 409 | 429, string>>;
}

const id = { id: idParamSchema.describe('the record id') };
const username = { username: z.string().describe('the account\'s username (case-insensitive)') };
const applicationId = { id: idParamSchema.describe('the app id (not its client_id)') };
const PASSWORD: Access = { kind: 'password' };
const ADMIN: Access = { kind: 'admin' };
const PAT_TAG = 'Personal access tokens';
const IMPERSONATION_TAG = 'Impersonation tokens';
const APP_TAG = 'Applications';
const LEAK_TAG = 'Leaked tokens';

/** Every operation of the JSON API under /api/v1, in the order docs/api.md presents them. */
export const operations: Operation[] = [
  {
    method: 'get', path: '/api/v1/openapi.json', operationId: 'openApiDocumentRoute', tag: 'Meta', access: { kind: 'none' },
    summary: 'This document',
    success: { status: 200, description: 'the OpenAPI 3.1 document of the JSON API', schema: 'Document' },
  },
  {
    method: 'get', path: '/api/v1/scopes', operationId: 'listScopes', tag: 'Scopes', access: { kind: 'none' },
    summary: 'The scope registry',
    success: { status: 200, description: 'every scope, built-in and from SCOPES_FILE', schema: 'Scope', list: true },
  },
  {
    method: 'get', path: '/api/v1/user', operationId: 'showCurrentUser', tag: 'Current user', access: { kind: 'token', scopes: ['user'] },
    summary: 'The token\'s user',
    description: '`email` is included only when the token also has scope `user:email`.',
    success: { status: 200, description: 'the user the token acts for', schema: 'CurrentUser' },
  },
  {
    method: 'get', path: '/api/v1/user/tokens', operationId: 'listTokens', tag: PAT_TAG, access: PASSWORD,
    summary: 'List your tokens', query: listPatQuerySchema,
    success: { status: 200, description: 'newest first', schema: 'Pat', list: true, headers: ['X-Total-Count'] },
  },
  {
    method: 'post', path: '/api/v1/user/tokens', operationId: 'createToken', tag: PAT_TAG, access: PASSWORD,
    summary: 'Create a token', body: 'CreatePat',
    errors: { 400: 'an invalid field, an unknown or OpenID Connect scope (invalid_scope), an expiry in the past or beyond PAT_MAX_LIFETIME_DAYS' },
    success: { status: 201, description: 'the token with its secret, shown once', schema: 'PatWithSecret', headers: ['Location'] },
  },
  {
    method: 'delete', path: '/api/v1/user/tokens', operationId: 'deleteAllTokens', tag: PAT_TAG, access: PASSWORD,
    summary: 'Delete all your tokens', description: 'Impersonation tokens issued by administrators are left alone.',
    success: { status: 204, description: 'deleted; they stop working at once on every instance' },
  },
  {
    method: 'get', path: '/api/v1/user/tokens/:id', operationId: 'getToken', tag: PAT_TAG, access: PASSWORD,
    summary: 'One token', params: id, errors: { 404: 'no such token of yours' },
    success: { status: 200, description: 'the token', schema: 'Pat' },
  },
  {
    method: 'patch', path: '/api/v1/user/tokens/:id', operationId: 'updateToken', tag: PAT_TAG, access: PASSWORD,
    summary: 'Edit a token', params: id, body: 'UpdatePat', errors: { 404: 'no such token of yours' },
    success: { status: 200, description: 'the updated token', schema: 'Pat' },
  },
  {
    method: 'post', path: '/api/v1/user/tokens/:id/regenerate', operationId: 'regenerateToken', tag: PAT_TAG, access: PASSWORD,
    summary: 'New secret for a token', params: id, body: 'RegeneratePat',
    description: 'The old secret stops working before the answer is sent.',
    errors: { 400: 'a revoked token, or an expired one without a new expiry', 404: 'no such token of yours' },
    success: { status: 200, description: 'the token with its new secret, shown once', schema: 'PatWithSecret' },
  },
  {
    method: 'post', path: '/api/v1/user/tokens/:id/rotate', operationId: 'rotateToken', tag: PAT_TAG, access: PASSWORD,
    summary: 'Rotate a token, with a grace period', params: id, body: 'RotatePat',
    description:
      'A new secret for the same record (same id, scopes and allowlist). The replaced secret keeps working for `grace_seconds` ' +
      '(0 by default, at most 86400, never past its own expiry); introspection then answers `"rotated": true` for it. ' +
      'Presenting it after the grace period revokes the whole token (`token.reuse_detected`). Without `expires_in_days` the expiry stays, ' +
      'and must fit PAT_MAX_LIFETIME_DAYS counted from now.',
    errors: { 400: 'a revoked or expired token, or an expiry beyond PAT_MAX_LIFETIME_DAYS', 404: 'no such token of yours' },
    success: { status: 201, description: 'the token with its new secret, shown once', schema: 'PatWithSecret', headers: ['Location'] },
  },
  {
    method: 'post', path: '/api/v1/user/tokens/self/rotate', operationId: 'rotateSelf', tag: PAT_TAG, access: { kind: 'token', scopes: ['token:rotate'] },
    summary: 'A token rotates itself', body: 'RotatePat',
    description:
      'Authenticated by the personal access token being rotated (scope `token:rotate`); otherwise as `POST /api/v1/user/tokens/{id}/rotate`. ' +
      'Rotating with a secret that was already rotated away (still in its grace period) is reuse: the whole token is revoked and the answer is 401.',
    errors: { 400: 'an OAuth access token (only a personal access token rotates itself), or an expiry beyond PAT_MAX_LIFETIME_DAYS' },
    success: { status: 201, description: 'the token with its new secret, shown once', schema: 'PatWithSecret' },
  },
  {
    method: 'delete', path: '/api/v1/user/tokens/:id', operationId: 'deleteToken', tag: PAT_TAG, access: PASSWORD,
    summary: 'Delete a token', params: id, errors: { 404: 'no such token of yours' },
    success: { status: 204, description: 'deleted; it stops working at once on every instance' },
  },
  {
    method: 'get', path: '/api/v1/users', operationId: 'listUsers', tag: 'Users', access: ADMIN,
    summary: 'List accounts', query: listUsersQuerySchema,
    success: { status: 200, description: 'accounts', schema: 'User', list: true, headers: ['X-Total-Count'] },
  },
  {
    method: 'post', path: '/api/v1/users', operationId: 'createUser', tag: 'Users', access: ADMIN,
    summary: 'Create an account', body: 'CreateUser', errors: { 409: 'the username or email is taken' },
    success: { status: 201, description: 'the account', schema: 'User' },
  },
  {
    method: 'delete', path: '/api/v1/users/:username', operationId: 'deleteUser', tag: 'Users', access: ADMIN,
    summary: 'Delete an account', params: username,
    description: 'Every token acting for the user becomes inactive at once.',
    errors: { 400: 'your own account', 404: 'no such user', 409: 'the last administrator' },
    success: { status: 204, description: 'deleted' },
  },
  {
    method: 'get', path: '/api/v1/users/:username/impersonation-tokens', operationId: 'listImpersonationTokens', tag: IMPERSONATION_TAG, access: ADMIN,
    summary: 'List a user\'s impersonation tokens', params: username, query: listPatQuerySchema, errors: { 404: 'no such user' },
    success: { status: 200, description: 'newest first', schema: 'Pat', list: true, headers: ['X-Total-Count'] },
  },
  {
    method: 'post', path: '/api/v1/users/:username/impersonation-tokens', operationId: 'createImpersonationToken', tag: IMPERSONATION_TAG, access: ADMIN,
    summary: 'Issue an impersonation token', params: username, body: 'CreatePat',
    errors: { 400: 'an invalid field or scope (invalid_scope), an expiry in the past or beyond PAT_MAX_LIFETIME_DAYS', 404: 'no such user' },
    success: { status: 201, description: 'the token with its secret, shown once', schema: 'PatWithSecret', headers: ['Location'] },
  },
  {
    method: 'get', path: '/api/v1/users/:username/impersonation-tokens/:id', operationId: 'getImpersonationToken', tag: IMPERSONATION_TAG, access: ADMIN,
    summary: 'One impersonation token', params: { ...username, ...id }, errors: { 404: 'no such user or token' },
    success: { status: 200, description: 'the token', schema: 'Pat' },
  },
  {
    method: 'delete', path: '/api/v1/users/:username/impersonation-tokens/:id', operationId: 'revokeImpersonationToken', tag: IMPERSONATION_TAG, access: ADMIN,
    summary: 'Revoke an impersonation token', description: 'The record stays, marked revoked.',
    params: { ...username, ...id }, errors: { 404: 'no such user or token' },
    success: { status: 204, description: 'revoked; it stops working at once on every instance' },
  },
  {
    method: 'get', path: '/api/v1/user/applications', operationId: 'listApplications', tag: APP_TAG, access: PASSWORD,
    summary: 'List your OAuth apps',
    success: { status: 200, description: 'your apps', schema: 'Application', list: true },
  },
  {
    method: 'post', path: '/api/v1/user/applications', operationId: 'createApplication', tag: APP_TAG, access: PASSWORD,
    summary: 'Register an OAuth app', body: 'CreateApplication',
    errors: { 400: 'an invalid field, redirect URI, grant type or scope' },
    success: { status: 201, description: 'the app with its client secret, shown once', schema: 'ApplicationWithSecret', headers: ['Location'] },
  },
  {
    method: 'get', path: '/api/v1/user/applications/:id', operationId: 'getApplication', tag: APP_TAG, access: PASSWORD,
    summary: 'One app', params: applicationId, errors: { 404: 'no such app of yours' },
    success: { status: 200, description: 'the app', schema: 'Application' },
  },
  {
    method: 'patch', path: '/api/v1/user/applications/:id', operationId: 'updateApplication', tag: APP_TAG, access: PASSWORD,
    summary: 'Edit an app', params: applicationId, body: 'UpdateApplication', errors: { 404: 'no such app of yours' },
    success: { status: 200, description: 'the updated app', schema: 'Application' },
  },
  {
    method: 'post', path: '/api/v1/user/applications/:id/secret', operationId: 'regenerateSecret', tag: APP_TAG, access: PASSWORD,
    summary: 'New client secret', params: applicationId,
    description: 'The old secret stops working at once.',
    errors: { 400: 'a public app (it has no secret)', 404: 'no such app of yours' },
    success: { status: 200, description: 'the app with its new secret, shown once', schema: 'ApplicationWithSecret' },
  },
  {
    method: 'delete', path: '/api/v1/user/applications/:id', operationId: 'deleteApplication', tag: APP_TAG, access: PASSWORD,
    summary: 'Delete an app', params: applicationId, errors: { 404: 'no such app of yours' },
    description: 'Every token issued to it stops working at once.',
    success: { status: 204, description: 'deleted' },
  },
  {
    method: 'get', path: '/api/v1/user/authorizations', operationId: 'listAuthorizations', tag: 'Authorizations', access: PASSWORD,
    summary: 'The apps you authorized',
    success: { status: 200, description: 'your authorizations', schema: 'Authorization', list: true },
  },
  {
    method: 'delete', path: '/api/v1/user/authorizations/:id', operationId: 'revokeAuthorization', tag: 'Authorizations', access: PASSWORD,
    summary: 'Revoke an authorization', params: { id: grantIdParamSchema.describe('the authorization id') },
    description: 'Every token issued under it stops working at once.',
    errors: { 404: 'no such authorization of yours' },
    success: { status: 204, description: 'revoked' },
  },
  {
    method: 'get', path: '/api/v1/user/security-log', operationId: 'listOwnSecurityLog', tag: 'Security log', access: PASSWORD,
    summary: 'Your security log', query: securityLogQuery,
    description: 'What happened to your tokens, grants and account: who, when, from which address. `hashed_token` finds the entries of a token you hold: base64 of the SHA-256 of its string.',
    success: { status: 200, description: 'newest first', schema: 'SecurityEvent', list: true, headers: ['X-Total-Count'] },
  },
  {
    method: 'get', path: '/api/v1/admin/security-log', operationId: 'listSecurityLog', tag: 'Security log', access: ADMIN,
    summary: 'Everyone\'s security log', query: adminSecurityLogQuery,
    success: { status: 200, description: 'newest first', schema: 'SecurityEvent', list: true, headers: ['X-Total-Count'] },
  },
  {
    method: 'post', path: '/api/v1/credentials/revoke', operationId: 'reportLeakedCredentials', tag: LEAK_TAG, access: { kind: 'none' },
    summary: 'Report leaked tokens', body: 'RevokeCredentials',
    description:
      'Anyone who finds Tessera tokens where they should not be (a public repository, a paste, a log) sends them here. Each real, active one (a PAT, an OAuth access or refresh token) is revoked at once on every instance and its owner\'s security log gets `token.leak_reported`. The answer is the same whatever the strings were. See docs/leaked-tokens.md.',
    errors: { 429: 'slow_down: more than LEAK_REPORTS_PER_HOUR reports from this address in the last hour' },
    success: { status: 202, description: 'accepted; it never says which strings were tokens', schema: 'Accepted' },
  },
  {
    method: 'post', path: '/api/v1/credentials/github-secret-scanning', operationId: 'reportGithubSecretScanning', tag: LEAK_TAG, access: { kind: 'none' },
    summary: 'GitHub secret scanning alerts', body: 'GithubSecretScanningAlert',
    description:
      'GitHub\'s secret scanning partner endpoint: the body is signed with ECDSA P-256 SHA-256 (`Github-Public-Key-Identifier`, `Github-Public-Key-Signature`) by a key of GITHUB_SECRET_SCANNING_KEYS_FILE. Real, active tokens are revoked as for a leak report; the answer labels each one for GitHub.',
    errors: { 401: 'invalid_signature: no, a malformed or an unverifiable signature, or an unknown key identifier', 404: 'not_found: GITHUB_SECRET_SCANNING_KEYS_FILE is not set' },
    success: { status: 200, description: 'feedback, one entry per reported token', schema: 'GithubSecretScanningFeedback', list: true },
  },
  {
    method: 'post', path: '/api/v1/admin/token', operationId: 'identifyToken', tag: LEAK_TAG, access: ADMIN,
    summary: 'Identify any token', body: 'AdminToken',
    description: 'What a token string is: its kind, owner, record, scopes and state (GitLab\'s token information API). The token goes in the body, never in the URL.',
    errors: { 404: 'no token of Tessera\'s' },
    success: { status: 200, description: 'the token, never its secret', schema: 'TokenInfo' },
  },
  {
    method: 'delete', path: '/api/v1/admin/token', operationId: 'revokeAnyToken', tag: LEAK_TAG, access: ADMIN,
    summary: 'Revoke any token', body: 'AdminToken',
    description: 'Revokes a PAT, an impersonation token, or an OAuth access or refresh token (with the authorization it was issued under), at once on every instance.',
    errors: { 404: 'no token of Tessera\'s' },
    success: { status: 204, description: 'revoked (or already inactive)' },
  },
  {
    method: 'get', path: '/api/v1/user/notifications', operationId: 'listNotifications', tag: 'Notifications', access: PASSWORD,
    summary: 'Your notifications', query: notificationQuerySchema,
    description: 'Notices about your personal access tokens: 30, 7 and 1 day(s) before expiry, on expiry, a leaked token revoked, a token created with a sensitive scope. Mailed too when the server has SMTP_URL.',
    success: { status: 200, description: 'newest first', schema: 'Notification', list: true, headers: ['X-Total-Count'] },
  },
];
