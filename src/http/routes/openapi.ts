import Router from '@koa/router';
import { openApiText } from '../openapi/document.js';

/** GET /api/v1/openapi.json — the OpenAPI 3.1 document of the JSON API (the same as docs/openapi.json). */
export function openApiRoutes(): Router {
  const router = new Router();
  const body = openApiText();
  router.get('/api/v1/openapi.json', function openApiDocumentRoute(ctx) {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}
