import type Router from '@koa/router';
import type { Container } from '../container.js';
import { adminUserRoutes } from './routes/admin-users.js';
import { applicationRoutes } from './routes/applications.js';
import { authorizationRoutes } from './routes/authorizations.js';
import { currentUserRoutes } from './routes/current-user.js';
import { impersonationTokenRoutes } from './routes/impersonation-tokens.js';
import { openApiRoutes } from './routes/openapi.js';
import { scopeRoutes } from './routes/scopes.js';
import { userTokenRoutes } from './routes/user-tokens.js';

/**
 * Every router of the JSON API (`/api/v1/…`): what the OpenAPI document describes, entry for
 * entry (test/api/openapi.test.ts holds the two together).
 */
export function apiRouters(c: Container): Router[] {
  return [
    openApiRoutes(),
    scopeRoutes(c.scopes),
    currentUserRoutes(c),
    userTokenRoutes(c),
    impersonationTokenRoutes(c),
    adminUserRoutes(c),
    applicationRoutes(c),
    authorizationRoutes(c),
  ];
}
