import Router from '@koa/router';
import type { Readiness } from '../../services/readiness.js';

/** What the health checks need. */
export interface HealthRouteDeps {
  readiness: Readiness;
}

/** /healthz: the process is up. /readyz: the database and Redis answer (503 names what is down). */
export function healthRoutes(c: HealthRouteDeps): Router {
  const router = new Router();

  router.get('/healthz', function healthz(ctx) {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async function readyz(ctx) {
    const checks = await c.readiness.check();
    const down = Object.keys(checks).filter((k) => checks[k] === 'down');
    ctx.set('Cache-Control', 'no-store');
    ctx.status = down.length ? 503 : 200;
    ctx.body = down.length
      ? { status: 'unavailable', checks, error: 'temporarily_unavailable', error_description: `${down.join(' and ')} unreachable` }
      : { status: 'ok', checks };
  });

  return router;
}
