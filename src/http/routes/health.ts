import Router from '@koa/router';
import type { Container } from '../../container.js';

const CHECK_TIMEOUT_MS = 1000;

/** /healthz: the process is up. /readyz: the database and Redis answer (503 names what is down). */
export function healthRoutes(c: Container): Router {
  const router = new Router();

  router.get('/healthz', function healthz(ctx) {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async function readyz(ctx) {
    const checks: Record<string, 'ok' | 'down'> = {
      database: await probe(() => c.dataSource.query('SELECT 1')),
    };
    if (c.redis) checks.redis = await probe(() => c.revocationCache.ping());
    const down = Object.keys(checks).filter((k) => checks[k] === 'down');
    ctx.set('Cache-Control', 'no-store');
    ctx.status = down.length ? 503 : 200;
    ctx.body = down.length
      ? { status: 'unavailable', checks, error: 'temporarily_unavailable', error_description: `${down.join(' and ')} unreachable` }
      : { status: 'ok', checks };
  });

  return router;
}

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
