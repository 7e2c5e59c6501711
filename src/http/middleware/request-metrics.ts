import { performance } from 'node:perf_hooks';
import type { Context, Middleware } from 'koa';

/** Where request latency is measured (a `/metrics` histogram by method, route pattern and status). */
export interface RequestMetrics {
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** The route label of a request no route answered (a 404), whatever its path. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** Times every request of the Koa app, outermost, so it sees the status the client gets. */
export function measureRequests(metrics: RequestMetrics): Middleware {
  return async function measureRequest(ctx, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.observe(ctx.method, routeOf(ctx), ctx.status, (performance.now() - started) / 1000);
    }
  };
}

interface RouteLayer {
  path: string | RegExp;
  methods: string[];
}

/**
 * The pattern of the route a request went to (`/api/v1/user/tokens/:id`), never the path itself,
 * so ids and tokens cannot become labels.
 */
export function routeOf(ctx: Context): string {
  // @koa/router lists every layer whose path matched in ctx.matched; route layers have methods
  // (middleware layers from router.use have none). The last route layer for the method wins.
  const layers = (ctx as { matched?: RouteLayer[] }).matched;
  let samePath: string | undefined;
  if (layers) {
    for (let i = layers.length - 1; i >= 0; i--) {
      const { path, methods } = layers[i]!;
      if (!methods.length || typeof path !== 'string') continue;
      if (methods.includes(ctx.method)) return path;
      samePath ??= path;
    }
  }
  if (samePath) return samePath;
  // oidc-provider's router defines ctx.oidc on the routes it answers, and names their pattern.
  if (Object.hasOwn(ctx, 'oidc')) return (ctx as { _matchedRoute?: string })._matchedRoute ?? UNMATCHED_ROUTE;
  return UNMATCHED_ROUTE;
}
