import Router from '@koa/router';
import type { Middleware } from 'koa';
import { ApiError } from '../../errors.js';
import { tokensEqual } from '../../security/tokens-equal.js';
import { parseAuthorization } from '../credentials.js';

/** What the route needs of the metrics: the exposition and its media type. */
export interface MetricsExposition {
  readonly contentType: string;
  scrape(): Promise<string>;
}

const REALM = 'Bearer realm="tessera-metrics"';

/**
 * GET /metrics — Prometheus text format, for a scraper holding `METRICS_TOKEN` as a bearer
 * token. Without a configured token there is no such route (404): nothing is exposed by default.
 */
export function metricsRoutes(metrics: MetricsExposition, token: string | undefined): Router {
  const router = new Router();
  if (!token) return router;
  router.get('/metrics', requireMetricsToken(token), async function scrapeMetrics(ctx) {
    const body = await metrics.scrape();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.contentType;
    ctx.body = body;
  });
  return router;
}

/** 401 with a Bearer challenge unless the request carries the metrics token (compared in constant time). */
function requireMetricsToken(token: string): Middleware {
  return async function authenticateScraper(ctx, next) {
    const credentials = parseAuthorization(ctx.get('Authorization') || undefined);
    if (credentials.scheme === 'bearer' && tokensEqual(token, credentials.token)) return next();
    // RFC 6750 §3.1: a request without credentials gets the bare challenge.
    const presented = credentials.scheme !== 'none';
    throw new ApiError(401, 'invalid_token', presented ? 'the metrics token is wrong' : 'the metrics token is required', {
      'WWW-Authenticate': presented ? `${REALM}, error="invalid_token"` : REALM,
    });
  };
}
