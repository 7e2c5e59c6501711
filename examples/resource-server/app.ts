import Koa from 'koa';
import { requireScopes, type TokenCheck } from './introspection-client.js';

/**
 * The example API: `GET /projects` needs scope `project` (which `project:depot` and every other
 * `project:*` scope imply). Copy the pattern: one `requireScopes` per route.
 */
export function resourceServerApp(check: TokenCheck, options: { trustProxy?: boolean } = {}): Koa {
  const app = new Koa({ proxy: options.trustProxy ?? false });
  const projects = requireScopes(check, 'project');
  app.use(async function routes(ctx, next) {
    if (ctx.path === '/projects' && ctx.method === 'GET') {
      await projects(ctx, async () => {
        ctx.body = { owner: ctx.state.token.username, projects: [{ name: 'demo' }] };
      });
      return;
    }
    await next();
  });
  return app;
}
