import type Router from '@koa/router';
import { buildApp } from '../../src/app.js';
import type { Container } from '../../src/container.js';

/** One route the server answers: a method and a path pattern (`:name` marks a parameter). */
export interface RouteEntry {
  method: string;
  path: string;
  /** Who answers it: Tessera's Koa routers, the plain introspection endpoint, or oidc-provider. */
  door: 'tessera' | 'introspection' | 'provider';
}

/**
 * Every route of the server, read from the running code rather than written down: the layers of
 * each @koa/router mounted in the Koa app, the introspection endpoint, and oidc-provider's routes
 * (its router is internal, so they are listed from `pathFor`, as helpers/initialize_app.js makes them).
 */
export function enumerateRoutes(c: Container): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const middleware of buildApp(c).middleware) {
    const router = (middleware as { router?: Router }).router;
    if (!router) continue;
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        if (method !== 'HEAD') routes.push({ method, path: String(layer.path), door: 'tessera' });
      }
    }
  }
  routes.push({ method: 'POST', path: c.oidc.pathFor('introspection'), door: 'introspection' });

  const p = (name: string) => c.oidc.pathFor(name);
  const provider: [string, string][] = [
    ['GET', p('authorization')],
    ['POST', p('authorization')],
    ['GET', `${p('authorization')}/:uid`],
    ['POST', p('token')],
    ['GET', p('userinfo')],
    ['POST', p('userinfo')],
    ['GET', p('jwks')],
    ['GET', '/.well-known/openid-configuration'],
    ['GET', '/.well-known/oauth-authorization-server'],
    ['POST', p('revocation')],
    ['GET', p('end_session')],
    ['POST', p('end_session')],
    ['POST', `${p('end_session')}/confirm`],
    ['GET', `${p('end_session')}/success`],
    ['POST', p('device_authorization')],
    ['GET', p('code_verification')],
    ['POST', p('code_verification')],
    ['GET', `${p('code_verification')}/:uid`],
    ['POST', p('pushed_authorization_request')],
  ];
  for (const [method, path] of provider) routes.push({ method, path, door: 'provider' });

  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
