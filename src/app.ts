import type { RequestListener } from 'node:http';
import Koa from 'koa';
import type Router from '@koa/router';
import type { Container } from './container.js';
import { ApiError, message } from './errors.js';
import { errorHandler } from './http/middleware/error-handler.js';
import { issuerOrigin } from './http/middleware/issuer-origin.js';
import { requestContext } from './http/middleware/request-context.js';
import { apiRouters } from './http/api-routers.js';
import { healthRoutes } from './http/routes/health.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { measureRequests } from './http/middleware/request-metrics.js';
import { apiCors, sameOriginSession } from './http/middleware/api-cors.js';
import { originAllowlist } from './security/cors-origins.js';
import { introspectionEndpoint } from './http/introspection/introspection-endpoint.js';
import { createRequestLog } from './http/request-log.js';
import { InteractionCsrf } from './web/interactions/csrf.js';
import { interactionRoutes } from './web/interactions/routes.js';
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
    requestMetrics: c.metrics.requests,
    answers: c.metrics.introspection,
    origins: originAllowlist(c.config.corsOrigins),
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

  app.use(measureRequests(c.metrics.requests));
  app.use(requestContext(c.logger));
  // Every URL the app or the provider builds derives from ISSUER, never from the Host header.
  app.use(issuerOrigin(c.config.issuer));
  app.use(errorHandler(c.logger));
  app.use(securityHeaders);
  const mount = (router: Router) => {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true, methodNotAllowed: () => new ApiError(405, 'invalid_request', message('http.method_not_allowed')) }));
  };
  const api = apiRouters(c);
  app.use(apiCors(originAllowlist(c.config.corsOrigins), api));
  // Signed-in browsers: sets ctx.state.sessionUser for the API and the web pages.
  app.use(loadWebSession(c.webSessions));
  app.use(sameOriginSession(c.config.issuer));

  for (const router of [
    healthRoutes(c),
    metricsRoutes(c.metrics, c.config.metricsToken),
    ...api,
    ...webRoutes(c),
    interactionRoutes({ provider: c.oidc, users: c.users, scopes: c.scopes, signIn: c.signIn, csrf: new InteractionCsrf(c.config.cookieKeys[0]!), securityLog: c.securityLog }),
  ]) {
    mount(router);
  }

  // The authorization server answers its own routes (and errors) and passes everything else on;
  // so it comes after our routers and before the 404. The app's `proxy` and `keys` above are the
  // ones it goes by (see mountProvider).
  mountProvider(app, c.oidc);

  app.use(async function notFound(ctx) {
    throw new ApiError(404, 'not_found', message('http.no_route', { method: ctx.method, path: ctx.path }));
  });
  return app;
}

const securityHeaders: Koa.Middleware = async function securityHeaders(ctx, next) {
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  await next();
};
