import { spawn, type ChildProcess } from 'node:child_process';
import { api, basicAuth, createTestEnvironment, type TestEnvironment } from '../support/harness.js';
import { freePort, spawnTessera, type TesseraProcess } from '../support/processes.js';
import { clientCredentialsToken, introspect, registerApp, type RegisteredApp } from '../introspection/introspection-client.js';

// Needs MariaDB (the source of truth while Redis is away); runs its own redis-server.
const describeWithMysql = process.env.DATABASE_URL ? describe : describe.skip;
const ADMIN = basicAuth('admin', 'admin-password-for-tests');

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      probe.stdout!.on('data', (d: Buffer) => (out += d));
      probe.on('exit', () => resolve(out.includes('PONG')));
    });
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start');
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describeWithMysql('Redis goes away under load', () => {
  let environment: TestEnvironment;
  let tessera: TesseraProcess;
  let redis: ChildProcess;
  let redisPort: number;
  let rs: RegisteredApp;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    environment = await createTestEnvironment();
    tessera = await spawnTessera({
      ...environment.env,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_KEY_PREFIX: 'outage-test:',
      LOG_LEVEL: 'info',
    });
    rs = await registerApp(tessera, ADMIN, { introspection: true });
  }, 60_000);

  afterAll(async () => {
    await tessera?.stop();
    if (redis) await stopRedis(redis);
    await environment?.destroy();
  });

  const create = async (name: string) => {
    const res = await api(tessera.url, 'POST', '/api/v1/user/tokens', { auth: ADMIN, body: { name, scopes: ['user'] } });
    expect(res.status).toBe(201);
    return res.body as { id: number; token: string };
  };
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
    const worker = await registerApp(tessera, ADMIN, { name: 'worker' });
    const oauthKept = { id: -1, token: await clientCredentialsToken(tessera, worker, 'project') };
    const oauthRevokedDuringOutage = { id: -2, token: await clientCredentialsToken(tessera, worker, 'project') };
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
    await stopRedis(redis);
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
    redis = await startRedis(redisPort);
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

  it('a paused Redis: answers stay right and keep coming; a revoke waits for its marker, so memory never outlives it', async () => {
    const kept = await create('kept while paused');
    const revoked = await create('revoked while paused');
    // Both verified and held in memory, with their markers' states.
    expect(await use(kept.token)).toBe(200);
    expect(await use(revoked.token)).toBe(200);

    redis.kill('SIGSTOP');
    try {
      const revoking = api(tessera.url, 'DELETE', `/api/v1/user/tokens/${revoked.id}`, { auth: ADMIN });
      let revokeReturned = false;
      void revoking.then(() => (revokeReturned = true));

      // Reads give up on Redis after a second and ask MySQL: still answered, still right.
      const started = Date.now();
      expect(await use(kept.token)).toBe(200);
      expect(Date.now() - started).toBeLessThan(5_000);
      const ready = await api(tessera.url, 'GET', '/readyz');
      expect([ready.status, ready.body.checks.redis]).toEqual([503, 'down']);
      // The revoke has written MySQL but not its marker: it must not return, however long it waits
      // (any Redis command that could time out on its path would have by now).
      await new Promise((r) => setTimeout(r, 3_000));
      expect(revokeReturned).toBe(false);

      redis.kill('SIGCONT');
      expect((await revoking).status).toBe(204);
    } finally {
      redis.kill('SIGCONT');
    }
    // The revoked token was not asked about during the pause, so its copy in memory is still
    // there: only the marker, written before the revoke returned, stops it.
    expect(await use(revoked.token)).toBe(401);
    expect(await use(kept.token)).toBe(200);
    expect((await api(tessera.url, 'GET', '/readyz')).status).toBe(200);
  }, 60_000);
});
