import { api, createPat, type Instances } from '../support/harness.js';
import { spawnInstances, SPAWNED_ADMIN, type TesseraProcess } from '../support/processes.js';
import { haveExecutable, startRedisServer, type BackendServer } from '../support/backend-servers.js';
import { clientCredentialsToken, introspect, machineApp, registerApp, type ConfidentialApp } from '../support/oauth.js';

// Needs MariaDB (the source of truth while Redis is away); runs its own redis-server.
// A paused (stalled) Redis: test/faults/redis-pause.test.ts.
const runnable = Boolean(process.env.DATABASE_URL) && haveExecutable('redis-server') && haveExecutable('redis-cli');
if (process.env.DATABASE_URL && !runnable) process.stderr.write('test/revocation/redis-outage.test.ts skipped: redis-server or redis-cli not found\n');
const describeWithMysql = runnable ? describe : describe.skip;
const ADMIN = SPAWNED_ADMIN.basic;

describeWithMysql('Redis goes away under load', () => {
  let instances: Instances<TesseraProcess[]>;
  let tessera: TesseraProcess;
  let redis: BackendServer;
  let rs: ConfidentialApp;

  beforeAll(async () => {
    redis = await startRedisServer();
    const started = await spawnInstances([{ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'outage-test:', LOG_LEVEL: 'info' }]);
    [tessera] = started.instances;
    instances = started;
    rs = await registerApp(tessera.url, ADMIN, machineApp('resource server', { introspection: true }));
  }, 60_000);

  afterAll(async () => {
    await instances?.close();
    await redis?.stop();
  });

  const create = (name: string) => createPat(tessera.url, ADMIN, { name });
  // The introspection endpoint's answer as a status: 200 active, 401 inactive (anything else is passed through).
  const use = async (token: string) => {
    const res = await introspect(tessera.url, rs.basic, { token });
    if (res.status !== 200) return res.status;
    return res.body.active === true ? 200 : 401;
  };
  const revoke = async (id: number) => expect((await api(tessera.url, 'DELETE', `/api/v1/user/tokens/${id}`, { auth: ADMIN })).status).toBe(204);

  it('never reports a revoked token active, never fails, and recovers when Redis returns', async () => {
    const kept = await create('kept');
    const revokedDuringOutage = await create('revoked during outage');
    const revokedAfterRecovery = await create('revoked after recovery');
    // OAuth access tokens (client credentials) go through the same cache and the same fallback.
    const worker = await registerApp(tessera.url, ADMIN, machineApp('worker'));
    const oauthKept = { id: -1, token: await clientCredentialsToken(tessera.url, worker, 'project') };
    const oauthRevokedDuringOutage = { id: -2, token: await clientCredentialsToken(tessera.url, worker, 'project') };
    const all = [kept, revokedDuringOutage, revokedAfterRecovery, oauthKept, oauthRevokedDuringOutage];
    for (const t of all) expect(await use(t.token)).toBe(200);

    // Load: a steady stream of verifications while Redis dies and comes back.
    const revokedAt = new Map<string, number>();
    const wrong: string[] = [];
    let requests = 0;
    let running = true;
    const load = async () => {
      while (running) {
        for (const t of all) {
          const startedAt = Date.now();
          const status = await use(t.token);
          requests++;
          if (status >= 500) wrong.push(`${status} for ${t.id}`);
          const revokedSince = revokedAt.get(t.token);
          if (status === 200 && revokedSince !== undefined && startedAt > revokedSince) wrong.push(`stale 200 for ${t.id}`);
          if ((t === kept || t === oauthKept) && status !== 200) wrong.push(`${status} for the kept token ${t.id}`);
        }
      }
    };
    const workers = Array.from({ length: 4 }, load);

    await new Promise((r) => setTimeout(r, 200));
    await redis.stop();
    await new Promise((r) => setTimeout(r, 300));

    const degraded = await api(tessera.url, 'GET', '/readyz');
    expect(degraded.status).toBe(503);
    expect(degraded.body.checks.redis).toBe('down');

    await revoke(revokedDuringOutage.id);
    revokedAt.set(revokedDuringOutage.token, Date.now());
    expect(await use(revokedDuringOutage.token)).toBe(401);
    const revokedOAuth = await fetch(`${tessera.url}/token/revocation`, {
      method: 'POST',
      headers: { Authorization: worker.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: oauthRevokedDuringOutage.token }),
    });
    expect(revokedOAuth.status).toBe(200);
    revokedAt.set(oauthRevokedDuringOutage.token, Date.now());
    expect(await use(oauthRevokedDuringOutage.token)).toBe(401);
    await new Promise((r) => setTimeout(r, 300));

    // Redis returns empty (it keeps nothing on disk): the marker written during the outage never reached it.
    await redis.start();
    const deadline = Date.now() + 15_000;
    while ((await api(tessera.url, 'GET', '/readyz')).status !== 200) {
      if (Date.now() > deadline) throw new Error('tessera did not recover after Redis returned');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 200));

    await revoke(revokedAfterRecovery.id);
    revokedAt.set(revokedAfterRecovery.token, Date.now());
    await new Promise((r) => setTimeout(r, 200));

    running = false;
    await Promise.all(workers);

    expect(wrong).toEqual([]);
    expect(requests).toBeGreaterThan(50);
    expect(await use(kept.token)).toBe(200);
    expect(await use(revokedDuringOutage.token)).toBe(401);
    expect(await use(revokedAfterRecovery.token)).toBe(401);
    expect(await use(oauthKept.token)).toBe(200);
    expect(await use(oauthRevokedDuringOutage.token)).toBe(401);
    expect(tessera.child.exitCode).toBeNull();
    expect(tessera.output()).toContain('redis connection lost');
    expect(tessera.output()).toContain('redis connection restored');
  }, 60_000);
});
