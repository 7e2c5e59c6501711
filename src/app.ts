import type { RequestListener } from 'node:http';
import Koa from 'koa';
import type Router from '@koa/router';
import type { Container } from './container.js';
import { ApiError } from './errors.js';
import { errorHandler } from './http/middleware/error-handler.js';
import { issuerOrigin } from './http/middleware/issuer-origin.js';
import { requestContext } from './http/middleware/request-context.js';
import { adminUserRoutes } from './http/routes/admin-users.js';
import { currentUserRoutes } from './http/routes/current-user.js';
import { healthRoutes } from './http/routes/health.js';
import { introspectionEndpoint } from './http/introspection/introspection-endpoint.js';
import { createRequestLog } from './http/request-log.js';
import { impersonationTokenRoutes } from './http/routes/impersonation-tokens.js';
import { scopeRoutes } from './http/routes/scopes.js';
import { userTokenRoutes } from './http/routes/user-tokens.js';
import { applicationRoutes } from './http/routes/applications.js';
import { authorizationRoutes } from './http/routes/authorizations.js';
import { InteractionCsrf } from './oidc/interactions/csrf.js';
import { interactionRoutes } from './oidc/interactions/routes.js';
import { mountProvider } from './oidc/mount.js';
import { loadWebSession, webRoutes } from './web/index.js';

/**
 * What the HTTP server runs: the introspection endpoint (the hot path, answered by plain
 * node:http) and, for everything else, the Koa app.
 */
export function buildRequestListener(c: Container): RequestListener {
  const introspection = introspectionEndpoint({
    path: c.oidc.pathFor('introspection'),
    callers: c.introspectionCallers,
    introspector: c.introspector,
    responder: c.introspectionResponder,
    requestLog: createRequestLog(c.logger),
    logger: c.logger,
    trustProxy: c.config.trustProxy,
    throttle: c.tokenAuthThrottle,
  });
  const app = buildApp(c).callback();
  return (req, res) => (introspection.matches(req) ? introspection.handle(req, res) : app(req, res));
}

/**
 * Builds the Koa app: global middleware first (request id + log line, the single error
 * exit), then Tessera's own routers.
 */
export function buildApp(c: Container): Koa {
  // Trust one proxy hop: ctx.ip is the address the proxy appended (the rightmost X-Forwarded-For
  // entry), not one the client wrote in front of it to pass an IP allowlist or dodge throttling.
  const app = new Koa({ proxy: c.config.trustProxy, maxIpsCount: 1, keys: c.config.cookieKeys });
  app.silent = true; // errors are logged by errorHandler, once

  app.use(requestContext(c.logger));
  // Every URL the app or the provider builds derives from ISSUER, never from the Host header.
  app.use(issuerOrigin(c.config.issuer));
  app.use(errorHandler(c.logger));
  app.use(securityHeaders);
  const mount = (router: Router) => {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true, methodNotAllowed: () => new ApiError(405, 'invalid_request', 'method not allowed') }));
  };
  // Signed-in browsers: sets ctx.state.sessionUser for the API and the web pages.
  app.use(loadWebSession(c.webSessions));

  for (const router of [
    healthRoutes(c),
    scopeRoutes(c.scopes),
    currentUserRoutes(c),
    userTokenRoutes(c),
    impersonationTokenRoutes(c),
    adminUserRoutes(c),
    ...webRoutes(c),
    applicationRoutes(c),
    authorizationRoutes(c),
    interactionRoutes({ provider: c.oidc, users: c.users, scopes: c.scopes, signIn: c.signIn, csrf: new InteractionCsrf(c.config.cookieKeys[0]!) }),
  ]) {
    mount(router);
  }

  // The authorization server answers its own routes (and errors) and passes everything else on;
  // so it comes after our routers and before the 404.
  app.use(mountProvider(c.oidc));

  app.use(async function notFound(ctx) {
    throw new ApiError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
  });
  return app;
}

const securityHeaders: Koa.Middleware = async function securityHeaders(ctx, next) {
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  await next();
};
