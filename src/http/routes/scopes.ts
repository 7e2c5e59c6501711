import Router from '@koa/router';
import type { ScopeRegistry } from '../../scopes/scope-registry.js';
import type { ScopeResponse } from '../schemas/response-schemas.js';

/** GET /api/v1/scopes — the scope registry, for forms and clients. */
export function scopeRoutes(registry: ScopeRegistry): Router {
  const router = new Router();
  const body = registry.all().map((s): ScopeResponse => ({
    name: s.name,
    kind: s.kind ?? 'api',
    access: s.access,
    description: s.description,
    implies: s.implies ?? [],
    sensitive: s.sensitive ?? false,
  }));
  router.get('/api/v1/scopes', function listScopes(ctx) {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
