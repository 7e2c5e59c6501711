/**
 * An example resource server (an API team's template): protects its routes by calling
 * Tessera's introspection endpoint over HTTP, with a short cache that never outlives a
 * token and forgets a token as soon as Tessera calls it inactive. Scope implications
 * (`project:depot` ⇒ `project`) come from Tessera's registry.
 *
 *   TESSERA_URL=http://localhost:3000 CLIENT_ID=… CLIENT_SECRET=… PORT=4000 \
 *     node dist/examples/resource-server/server.js
 *   curl -H "Authorization: Bearer tsp_…" localhost:4000/projects
 *   curl -u "alice:tsp_…" localhost:4000/projects          # as git sends it
 *
 * The client must be a confidential app with the introspection permission
 * (`npx tessera client create --name api --grant-types client_credentials --introspection`).
 */
import { resourceServerApp } from './app.js';
import { IntrospectionClient } from './introspection-client.js';
import { ScopeCatalog } from './scope-catalog.js';

const tessera = process.env.TESSERA_URL ?? 'http://localhost:3000';
const introspection = new IntrospectionClient({
  endpoint: process.env.INTROSPECTION_ENDPOINT ?? `${tessera}/token/introspection`,
  clientId: process.env.CLIENT_ID ?? '',
  clientSecret: process.env.CLIENT_SECRET ?? '',
  cacheSeconds: Number(process.env.CACHE_SECONDS ?? 5),
});
const scopes = new ScopeCatalog(`${tessera}/api/v1/scopes`);

resourceServerApp({ introspection, scopes }, { trustProxy: process.env.TRUST_PROXY === 'true' }).listen(Number(process.env.PORT ?? 4000));
