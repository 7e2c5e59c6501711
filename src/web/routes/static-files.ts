import Router from '@koa/router';
import { staticAssets } from '../views/static-assets.js';

/** GET /static/<file>: the stylesheet and the copy script, from memory, cacheable. */
export function staticFiles(): Router {
  const router = new Router();
  router.get('/static/:name', async function serveStatic(ctx, next) {
    const asset = staticAssets.get(ctx.params.name!);
    if (!asset) return next();
    ctx.status = 200;
    ctx.type = asset.type;
    ctx.set('ETag', asset.etag);
    // URLs carry the content hash, so a versioned request can be cached for good.
    ctx.set('Cache-Control', ctx.query.v ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = asset.body;
  });
  return router;
}
