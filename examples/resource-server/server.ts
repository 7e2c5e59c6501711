/**
 * An example resource server (an API team's template): protects its routes by calling
 * Tessera's introspection endpoint over HTTP, with a short cache that never outlives a
 * token and forgets a token as soon as Tessera calls it inactive.
 *
 *   TESSERA_URL=http://localhost:3000 CLIENT_ID=… CLIENT_SECRET=… PORT=4000 \
 *     node dist/examples/resource-server/server.js
 *   curl -H "Authorization: Bearer tsp_…" localhost:4000/projects
 *
 * The client must be a confidential app with the introspection permission
 * (`npx tessera client create --name api --redirect-uri https://api.example/cb --introspection`).
 */
import Koa from 'koa';
import { IntrospectionClient, requireScopes } from './introspection-client.js';

const tessera = process.env.TESSERA_URL ?? 'http://localhost:3000';
const introspection = new IntrospectionClient({
  endpoint: process.env.INTROSPECTION_ENDPOINT ?? `${tessera}/token/introspection`,
  clientId: process.env.CLIENT_ID ?? '',
  clientSecret: process.env.CLIENT_SECRET ?? '',
  cacheSeconds: Number(process.env.CACHE_SECONDS ?? 5),
});

const app = new Koa({ proxy: process.env.TRUST_PROXY === 'true' });
app.use(async (ctx, next) => {
  if (ctx.path === '/projects' && ctx.method === 'GET') {
    await requireScopes(introspection, 'project')(ctx, async () => {
      ctx.body = { owner: ctx.state.token.username, projects: [{ name: 'demo' }] };
    });
    return;
  }
  await next();
});

app.listen(Number(process.env.PORT ?? 4000));
