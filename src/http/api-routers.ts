import type Router from '@koa/router';
import { adminTokenRoutes, type AdminTokenRouteDeps } from './routes/admin-token.js';
import { adminUserRoutes, type AdminUserRouteDeps } from './routes/admin-users.js';
import { applicationRoutes, type ApplicationRouteDeps } from './routes/applications.js';
import { authorizationRoutes, type AuthorizationRouteDeps } from './routes/authorizations.js';
import { currentUserRoutes, type CurrentUserRouteDeps } from './routes/current-user.js';
import { impersonationTokenRoutes, type ImpersonationTokenRouteDeps } from './routes/impersonation-tokens.js';
import { leakedCredentialRoutes, type LeakedCredentialRouteDeps } from './routes/leaked-credentials.js';
import { notificationRoutes, type NotificationRouteDeps } from './routes/notifications.js';
import { openApiRoutes } from './routes/openapi.js';
import { scopeRoutes } from './routes/scopes.js';
import { securityLogRoutes, type SecurityLogRouteDeps } from './routes/security-log.js';
import { selfRotationRoutes, userTokenRoutes, type SelfRotationRouteDeps, type UserTokenRouteDeps } from './routes/user-tokens.js';

/**
 * Every router of the JSON API (`/api/v1/…`): what the OpenAPI document describes, entry for
 * entry (test/api/openapi.test.ts holds the two together).
 */
/** What the JSON API needs: each router's own dependencies, together. */
export type ApiDeps = CurrentUserRouteDeps &
  UserTokenRouteDeps &
  SelfRotationRouteDeps &
  ImpersonationTokenRouteDeps &
  AdminUserRouteDeps &
  ApplicationRouteDeps &
  AuthorizationRouteDeps &
  SecurityLogRouteDeps &
  LeakedCredentialRouteDeps &
  AdminTokenRouteDeps &
  NotificationRouteDeps;

export function apiRouters(c: ApiDeps): Router[] {
  return [
    openApiRoutes(),
    scopeRoutes(c.scopes),
    currentUserRoutes(c),
    selfRotationRoutes(c),
    userTokenRoutes(c),
    impersonationTokenRoutes(c),
    adminUserRoutes(c),
    applicationRoutes(c),
    authorizationRoutes(c),
    securityLogRoutes(c),
    leakedCredentialRoutes(c),
    adminTokenRoutes(c),
    notificationRoutes(c),
  ];
}
