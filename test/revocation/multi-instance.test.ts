import { api, createPat, type Instances } from '../support/harness.js';
import { spawnInstances, SPAWNED_ADMIN, type TesseraProcess } from '../support/processes.js';
import { clientCredentialsToken, introspect, machineApp, registerApp, type ConfidentialApp } from '../support/oauth.js';

// Two real Tessera processes sharing MariaDB and Redis: only meaningful in production mode.
const sharedBackends = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const describeShared = sharedBackends ? describe : describe.skip;

const ADMIN = SPAWNED_ADMIN.basic;
const ROUNDS = 40;

describeShared('two instances over one MariaDB + Redis', () => {
  let instances: Instances<TesseraProcess[]>;
  let a: TesseraProcess;
  let b: TesseraProcess;
  /** The resource server calling B's introspection endpoint. */
  let rs: ConfidentialApp;

  beforeAll(async () => {
    const started = await spawnInstances([{}, {}]);
    [a, b] = started.instances;
    instances = started;
    rs = await registerApp(a.url, ADMIN, machineApp('resource server', { introspection: true }));
  }, 60_000);

  afterAll(async () => {
    await instances?.close();
  });

  const createToken = (scopes = ['user']) => createPat(a.url, ADMIN, { scopes });

  const useOn = (instance: TesseraProcess, token: string) => api(instance.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
  const activeOn = async (instance: TesseraProcess, token: string) => (await introspect(instance.url, rs.basic, { token })).body.active as boolean;

  it(`a PAT deleted or regenerated on A introspects inactive on B at once (${ROUNDS} rounds, zero stale answers)`, async () => {
    let stale = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { id, token } = await createToken();
      // Warm B's cache first, so a stale answer would come from memory.
      expect(await activeOn(b, token)).toBe(true);
      expect(await activeOn(b, token)).toBe(true);
      const how = round % 2;
      if (how === 0) expect((await api(a.url, 'DELETE', `/api/v1/user/tokens/${id}`, { auth: ADMIN })).status).toBe(204);
      else expect((await api(a.url, 'POST', `/api/v1/user/tokens/${id}/regenerate`, { auth: ADMIN, body: {} })).status).toBe(200);
      if (await activeOn(b, token)) stale++;
      // Tessera's own API goes through the same chain.
      if ((await useOn(b, token)).status !== 401) stale++;
    }
    expect(stale).toBe(0);
  }, 120_000);

  it(`an OAuth access token revoked (RFC 7009) on A introspects inactive on B at once (${ROUNDS} rounds, zero stale answers)`, async () => {
    const app = await registerApp(a.url, ADMIN, machineApp('worker'));
    let stale = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const token = await clientCredentialsToken(a.url, app, 'project');
      expect(await activeOn(b, token)).toBe(true);
      expect(await activeOn(b, token)).toBe(true);
      const revoked = await fetch(`${a.url}/token/revocation`, {
        method: 'POST',
        headers: { Authorization: app.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
      });
      expect(revoked.status).toBe(200);
      if (await activeOn(b, token)) stale++;
    }
    expect(stale).toBe(0);
  }, 120_000);

  it('deleting an app on A kills its tokens on B at once', async () => {
    const app = await registerApp(a.url, ADMIN, machineApp('short-lived'));
    const tokens = [await clientCredentialsToken(a.url, app, 'project'), await clientCredentialsToken(a.url, app, 'user')];
    for (const token of tokens) expect(await activeOn(b, token)).toBe(true);
    expect((await api(a.url, 'DELETE', `/api/v1/user/applications/${app.id}`, { auth: ADMIN })).status).toBe(204);
    for (const token of tokens) expect(await activeOn(b, token)).toBe(false);
  });

  it('regenerating the calling app’s secret on A is refused by B at once', async () => {
    const caller = await registerApp(a.url, ADMIN, machineApp('rotating caller', { introspection: true }));
    const { token } = await createToken();
    expect((await introspect(b.url, caller.basic, { token })).status).toBe(200);
    expect((await introspect(b.url, caller.basic, { token })).status).toBe(200);
    expect((await api(a.url, 'POST', `/api/v1/user/applications/${caller.id}/secret`, { auth: ADMIN, body: {} })).status).toBe(200);
    expect((await introspect(b.url, caller.basic, { token })).status).toBe(401);
  });

  it('narrowing a token’s scopes on A takes effect on B at once', async () => {
    const { id, token } = await createToken(['user', 'project']);
    expect((await useOn(b, token)).status).toBe(200);
    const patched = await api(a.url, 'PATCH', `/api/v1/user/tokens/${id}`, { auth: ADMIN, body: { scopes: ['project'] } });
    expect(patched.status).toBe(200);
    expect((await introspect(b.url, rs.basic, { token })).body.scope).toBe('project');
    const res = await useOn(b, token);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('insufficient_scope');
  });

  it('both instances answer ready', async () => {
    for (const instance of [a, b]) expect((await api(instance.url, 'GET', '/readyz')).body.checks).toEqual({ database: 'ok', redis: 'ok' });
  });
});
