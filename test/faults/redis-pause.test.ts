import { api, createPat, type Instances } from '../support/harness.js';
import { spawnInstances, SPAWNED_ADMIN, type TesseraProcess } from '../support/processes.js';
import { haveExecutable, startRedisServer, type BackendServer } from '../support/backend-servers.js';
import { clientCredentialsToken, introspect, machineApp, registerApp, type ConfidentialApp } from '../support/oauth.js';
import { latencyReport } from './fault-support.js';

// Needs MariaDB (the source of truth while Redis stalls: production mode) and a redis-server binary of its own.
const runnable = Boolean(process.env.DATABASE_URL) && haveExecutable('redis-server') && haveExecutable('redis-cli');
if (process.env.DATABASE_URL && !runnable) process.stderr.write('test/faults/redis-pause.test.ts skipped: redis-server or redis-cli not found\n');
const describeRunnable = runnable ? describe : describe.skip;

const ADMIN = SPAWNED_ADMIN.basic;
const PAUSE_MS = 5_000;
/** The acceptance bound: introspection p99 over the pause. */
const P99_BOUND_MS = 250;
/** Below this p99 before the pause, the machine is quiet enough to measure the bound as such. */
const QUIET_P99_MS = 100;

interface Sample {
  instance: string;
  token: string;
  startedAt: number;
  ms: number;
  status: number;
  active: boolean | undefined;
}

/**
 * The acceptance test of "a paused Redis costs bounded latency, never a wrong answer": two
 * instances under a steady introspection load, Redis paused (SIGSTOP) for 5 s, revokes made on
 * each instance during the pause, and a third instance with no introspection traffic at all (it
 * notices the stall only through its heartbeat), which is asked about every token afterwards.
 */
describeRunnable('a paused Redis, two instances under load and one without traffic', () => {
  let instances: Instances<TesseraProcess[]>;
  let redis: BackendServer;
  let a: TesseraProcess;
  let b: TesseraProcess;
  let idle: TesseraProcess;
  let rs: ConfidentialApp;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'pause-test:', LOG_LEVEL: 'info' };
    const started = await spawnInstances([env, env, env]);
    [a, b, idle] = started.instances;
    instances = started;
    rs = await registerApp(a.url, ADMIN, machineApp('resource server', { introspection: true }));
  }, 90_000);

  afterAll(async () => {
    redis?.resume();
    await instances?.close();
    await redis?.stop();
  });

  const newPat = (name: string) => createPat(a.url, ADMIN, { name });
  const ask = async (instance: TesseraProcess, token: string) => {
    const res = await introspect(instance.url, rs.basic, { token });
    return { status: res.status, active: res.body?.active as boolean | undefined };
  };

  /**
   * One pause: fresh tokens verified on every instance, a steady load on A and B, Redis paused for
   * 5 s with revokes on each instance during it, then checks on every instance.
   */
  async function pauseCycle(worker: ConfidentialApp): Promise<Cycle> {
    const tokens = {
      kept: (await newPat('kept')).token,
      revokedBefore: await newPat('revoked before the pause'),
      revokedDuring: await newPat('revoked during the pause'),
      revokedOnIdle: await newPat('revoked during the pause on the idle instance'),
      oauthKept: await clientCredentialsToken(a.url, worker, 'project'),
      oauthRevokedDuring: await clientCredentialsToken(b.url, worker, 'project'),
    };
    const all = [tokens.kept, tokens.revokedBefore.token, tokens.revokedDuring.token, tokens.revokedOnIdle.token, tokens.oauthKept, tokens.oauthRevokedDuring];
    // Every instance verifies every token, so each holds all of them in memory.
    for (const instance of [a, b, idle]) for (const token of all) expect((await ask(instance, token)).active).toBe(true);
    expect((await api(a.url, 'DELETE', `/api/v1/user/tokens/${tokens.revokedBefore.id}`, { auth: ADMIN })).status).toBe(204);
    const kept = new Set([tokens.kept, tokens.oauthKept]);
    /** When each token's revoke returned (a token revoked before then must never be active again). */
    const revokedAt = new Map<string, number>([[tokens.revokedBefore.token, Date.now()]]);

    const samples: Sample[] = [];
    let running = true;
    // A steady load: two resource servers per instance, each asking again 10 ms after an answer.
    const load = async (instance: TesseraProcess, offset: number) => {
      for (let i = offset; running; i++) {
        const token = all[i % all.length]!;
        const startedAt = Date.now();
        const { status, active } = await ask(instance, token);
        samples.push({ instance: instance === a ? 'A' : 'B', token, startedAt, ms: Date.now() - startedAt, status, active });
        await sleep(10);
      }
    };
    const workers = [0, 1].flatMap((offset) => [load(a, offset), load(b, offset + 2)]);

    await sleep(1_500);
    const pausedAt = Date.now();
    redis.pause();
    // Resumed on time whatever the requests below do (a revoke that waits for Redis must not hold the pause).
    let resumedAt = 0;
    const resumed = sleep(PAUSE_MS).then(() => {
      redis.resume();
      resumedAt = Date.now();
    });
    const timings: Timing[] = [];
    const timed = async (what: string, request: () => Promise<{ status: number }>, onReturn: () => void = () => {}) => {
      const started = Date.now();
      const { status } = await request();
      onReturn();
      timings.push({ what, status, ms: Date.now() - started });
    };
    await Promise.all([
      // Right after the pause began: the idle instance has not noticed yet; its sign-in throttle
      // waits for Redis only until its heartbeat opens the breaker.
      sleep(200).then(() =>
        timed('PAT deleted on the idle instance', () => api(idle.url, 'DELETE', `/api/v1/user/tokens/${tokens.revokedOnIdle.id}`, { auth: ADMIN }), () =>
          revokedAt.set(tokens.revokedOnIdle.token, Date.now()),
        ),
      ),
      sleep(1_000).then(() =>
        timed('PAT deleted on A', () => api(a.url, 'DELETE', `/api/v1/user/tokens/${tokens.revokedDuring.id}`, { auth: ADMIN }), () =>
          revokedAt.set(tokens.revokedDuring.token, Date.now()),
        ),
      ),
      sleep(1_500).then(() =>
        timed(
          'OAuth token revoked (RFC 7009) on B',
          () =>
            fetch(`${b.url}/token/revocation`, {
              method: 'POST',
              headers: { Authorization: worker.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ token: tokens.oauthRevokedDuring }),
            }),
          () => revokedAt.set(tokens.oauthRevokedDuring, Date.now()),
        ),
      ),
      sleep(2_000).then(() => timed('/readyz on A', () => api(a.url, 'GET', '/readyz'))),
      sleep(2_000).then(() => timed('/readyz on the idle instance', () => api(idle.url, 'GET', '/readyz'))),
      resumed,
    ]);
    await sleep(1_500);
    running = false;
    await Promise.all(workers);

    const wrong = samples.flatMap((s) => {
      if (s.status !== 200) return [`${s.status} from ${s.instance}`];
      const revokedSince = revokedAt.get(s.token);
      if (s.active && revokedSince !== undefined && s.startedAt > revokedSince) return [`a revoked token active on ${s.instance}`];
      if (!s.active && kept.has(s.token)) return [`a live token inactive on ${s.instance}`];
      return [];
    });
    // Every instance, the idle one included, answers from what the revokes left behind.
    const after: string[] = [];
    for (const [name, instance] of [['A', a], ['B', b], ['idle', idle]] as const) {
      for (const token of all) {
        const { status, active } = await ask(instance, token);
        if (status !== 200 || active !== kept.has(token)) after.push(`${name}: ${status} active=${active} for a ${kept.has(token) ? 'live' : 'revoked'} token`);
      }
    }

    const earlier = samples.filter((s) => s.startedAt < pausedAt);
    const paused = samples.filter((s) => s.startedAt >= pausedAt && s.startedAt < resumedAt);
    return {
      wrong,
      after,
      timings,
      before: { ...latencyReport(earlier.map((s) => s.ms)), perSecond: Math.round((earlier.length * 1000) / (pausedAt - earlier[0]!.startedAt)) },
      during: { ...latencyReport(paused.map((s) => s.ms)), perSecond: Math.round((paused.length * 1000) / (resumedAt - pausedAt)), count: paused.length },
    };
  }

  it('introspection p99 stays within 250 ms, revokes return within 1 s, and no answer is wrong on any instance', async () => {
    const worker = await registerApp(a.url, ADMIN, machineApp('worker'));
    // The latency bound is about what the pause adds. A machine so busy that the same load already
    // has a p99 over QUIET_P99_MS before the pause cannot show it: then the pause is repeated (up to
    // three times), and if it never is quiet the bound is taken relative to that p99.
    let cycle: Cycle;
    for (let attempt = 1; ; attempt++) {
      cycle = await pauseCycle(worker);
      const t = cycle.timings.map((r) => `${r.what} ${r.status} in ${r.ms} ms`).join(', ');
      process.stdout.write(
        `redis pause ${attempt}: before it ${cycle.before.perSecond}/s, ${cycle.before.text}; ` +
          `during the ${PAUSE_MS} ms pause ${cycle.during.perSecond}/s, ${cycle.during.text}; ${t}\n`,
      );
      expect(cycle.wrong).toEqual([]);
      expect(cycle.after).toEqual([]);
      expect(cycle.during.count).toBeGreaterThan(100);
      expect(Object.fromEntries(cycle.timings.map((r) => [r.what, [r.status, r.ms < 1_000]]))).toEqual({
        'PAT deleted on the idle instance': [204, true],
        'PAT deleted on A': [204, true],
        'OAuth token revoked (RFC 7009) on B': [200, true],
        '/readyz on A': [503, true],
        '/readyz on the idle instance': [503, true],
      });
      if (cycle.before.p99 <= QUIET_P99_MS || cycle.during.p99 <= P99_BOUND_MS || attempt === 3) break;
    }
    expect(cycle.during.p99).toBeLessThanOrEqual(cycle.before.p99 <= QUIET_P99_MS ? P99_BOUND_MS : cycle.before.p99 + P99_BOUND_MS);

    // Redis is trusted again: a revoke now reaches every instance at once, and /readyz is back.
    const later = await newPat('revoked after the pause');
    for (const instance of [a, b, idle]) expect((await ask(instance, later.token)).active).toBe(true);
    expect((await api(b.url, 'DELETE', `/api/v1/user/tokens/${later.id}`, { auth: ADMIN })).status).toBe(204);
    for (const instance of [a, b, idle]) expect((await ask(instance, later.token)).active).toBe(false);
    for (const instance of [a, b, idle]) expect((await api(instance.url, 'GET', '/readyz')).status).toBe(200);
  }, 120_000);
});

interface Timing {
  what: string;
  status: number;
  ms: number;
}

interface Cycle {
  wrong: string[];
  after: string[];
  timings: Timing[];
  before: ReturnType<typeof latencyReport> & { perSecond: number };
  during: ReturnType<typeof latencyReport> & { perSecond: number; count: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
