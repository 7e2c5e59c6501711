import { api, startInstances, type Instances, type TestServer } from '../support/harness.js';
import { clientBasic, clientCredentialsToken, introspect, machineApp, postForm, registerApp, type ConfidentialApp } from '../support/oauth.js';

/**
 * Identifiers are resolved exactly, on SQLite and MariaDB alike: a client_id spelled in another
 * case (or with trailing spaces) is another, unknown client. On MariaDB the lookup used to be
 * case-insensitive while the caller cache was keyed by the spelling presented, so after a secret
 * regeneration, a withdrawn introspection permission or an app deletion the OLD secret kept
 * working under an upper-cased id for as long as that cache lived. Two instances share the
 * database (and Redis in production mode), as in a deployment.
 */
describe('identifiers are exact (client ids, tokens) on both instances', () => {
  let instances: Instances<TestServer[]>;
  let a: TestServer;
  let b: TestServer;
  let owner: string;
  let worker: ConfidentialApp;
  let token: string;
  let pat: string;

  beforeAll(async () => {
    // Every wrong spelling below is a failed client authentication from this one address: room for
    // all of them under the failed-authentication limit (test/security/token-auth-throttle.test.ts).
    const settings = { TOKEN_AUTH_FAILURES_PER_ADDRESS: '10000' };
    const started = await startInstances([settings, settings]);
    [a, b] = started.instances;
    instances = started;
    owner = (await a.createUser('case-owner')).basic;
    worker = await registerApp(a.url, owner, machineApp('worker'));
    token = await clientCredentialsToken(a.url, worker, 'user');
    const created = await api(a.url, 'POST', '/api/v1/user/tokens', { auth: owner, body: { name: 'case', scopes: ['user'] } });
    expect(created.status).toBe(201);
    pat = created.body.token;
  });

  afterAll(() => instances?.close());

  /** Other spellings of `id`: all upper case, one letter upper case, spaces around it (never `id` itself). */
  const variants = (id: string) => {
    const letter = id.search(/[a-z]/);
    const oneUpper = letter === -1 ? id : id.slice(0, letter) + id[letter]!.toUpperCase() + id.slice(letter + 1);
    return [id.toUpperCase(), oneUpper, `${id} `, `${id}   `, ` ${id}`].filter((v) => v !== id);
  };
  const statusOf = async (server: TestServer, clientId: string, secret: string) => (await introspect(server.url, clientBasic(clientId, secret), { token })).status;

  /** An app with the permission, whose exact id works on both instances (and is now warm in their caches). */
  async function introspector(): Promise<ConfidentialApp> {
    const app = await registerApp(a.url, owner, machineApp('resource server', { introspection: true }));
    for (const server of [a, b]) expect((await introspect(server.url, app.basic, { token })).body.active).toBe(true);
    return app;
  }

  it('a client_id in another case or with spaces is an unknown client at introspection and at the token endpoint', async () => {
    const app = await introspector();
    for (const server of [a, b]) {
      for (const id of variants(app.client_id)) {
        expect({ id, status: await statusOf(server, id, app.client_secret) }).toEqual({ id, status: 401 });
        const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', scope: 'user' }, { Authorization: clientBasic(id, worker.client_secret) });
        expect({ id, status: res.status }).toEqual({ id, status: 401 });
      }
    }
  });

  it.each([
    ['its secret is regenerated', async (app: ConfidentialApp) => expect((await api(a.url, 'POST', `/api/v1/user/applications/${app.id}/secret`, { auth: owner })).status).toBe(200)],
    ['its permission is withdrawn', async (app: ConfidentialApp) => expect((await api(a.url, 'PATCH', `/api/v1/user/applications/${app.id}`, { auth: owner, body: { introspection: false } })).status).toBe(200)],
    ['it is deleted', async (app: ConfidentialApp) => expect((await api(a.url, 'DELETE', `/api/v1/user/applications/${app.id}`, { auth: owner })).status).toBe(204)],
  ])('once %s, the old secret works under no spelling of the id, on either instance', async (_what, change) => {
    const app = await introspector();
    // Warm both instances' caches under every spelling too, as an attacker would.
    for (const server of [a, b]) for (const id of variants(app.client_id)) await statusOf(server, id, app.client_secret);
    await change(app);
    for (const server of [a, b]) {
      for (const id of [app.client_id, ...variants(app.client_id)]) {
        const res = await introspect(server.url, clientBasic(id, app.client_secret), { token });
        expect({ id, active: res.body.active === true }).toEqual({ id, active: false });
      }
    }
  });

  it('tokens in another case are other (inactive) tokens', async () => {
    const app = await introspector();
    const flip = (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
    for (const server of [a, b]) {
      for (const variant of [token.toUpperCase(), token.toLowerCase(), flip(token), pat.toUpperCase(), flip(pat), `${pat} `]) {
        const res = await introspect(server.url, app.basic, { token: variant });
        expect(res.status).toBe(200);
        expect({ variant, active: res.body.active }).toEqual({ variant, active: false });
      }
    }
  });
});
