import { api, createPat, type Instances } from '../support/harness.js';
import { spawnInstances, SPAWNED_ADMIN, type TesseraProcess } from '../support/processes.js';
import { createDatabase, haveExecutable, MARIADBD, startMariadbServer, type BackendServer } from '../support/backend-servers.js';
import { clientCredentialsToken, introspect, machineApp, registerApp, type ConfidentialApp } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';
import { whileRowsLocked } from './fault-support.js';

// Production mode (MariaDB + Redis) on a mariadbd of its own, so it can be paused and stopped.
const binaries = haveExecutable(MARIADBD) && haveExecutable('mariadb-install-db');
const runnable = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL) && binaries;
if (process.env.DATABASE_URL && !binaries) process.stderr.write(`test/faults/mariadb-faults.test.ts skipped: ${MARIADBD} or mariadb-install-db not found\n`);
const describeRunnable = runnable ? describe : describe.skip;

const ADMIN = SPAWNED_ADMIN.basic;
const DATABASE = 'tessera_faults';
/** The defaults of DATABASE_QUERY_TIMEOUT_MS and DATABASE_CONNECT_TIMEOUT_MS, set here explicitly. */
const QUERY_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 2_000;
/** A request that needs the database may wait for a pooled connection and then for its query; plus a margin for a busy machine. */
const FAULT_BOUND_MS = CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + 1_500;

interface Answer {
  status: number;
  ms: number;
  error?: string;
  retryAfter: string | null;
  active?: boolean;
}

/**
 * A paused (SIGSTOP) and a stopped (SIGKILL) MariaDB under one instance: a request that needs the
 * database answers 503 temporarily_unavailable with Retry-After within the configured timeouts,
 * never hangs and never answers 500; a revoke answers 503; what the instance verified before
 * (cached, re-validated against Redis) keeps answering correctly; it all recovers afterwards.
 */
describeRunnable('MariaDB paused and stopped', () => {
  let mariadb: BackendServer & { destroy(): Promise<void> };
  let instances: Instances<TesseraProcess[]>;
  let tessera: TesseraProcess;
  let rs: ConfidentialApp;

  beforeAll(async () => {
    mariadb = await startMariadbServer();
    const started = await spawnInstances([
      {
        DATABASE_URL: await createDatabase(mariadb, DATABASE),
        DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        LOG_LEVEL: 'info',
      },
    ]);
    [tessera] = started.instances;
    instances = started;
    rs = await registerApp(tessera.url, ADMIN, machineApp('resource server', { introspection: true }));
  }, 90_000);

  afterAll(async () => {
    mariadb?.resume();
    await instances?.close();
    await mariadb?.destroy();
  });

  const newPat = (name: string) => createPat(tessera.url, ADMIN, { name });
  const lockRows = (select: string, params: unknown[], body: () => Promise<void>) => whileRowsLocked({ port: mariadb.port, database: DATABASE }, select, params, body);
  const timed = async (request: () => Promise<{ status: number; headers: Headers; body: any }>): Promise<Answer> => {
    const started = Date.now();
    const res = await request();
    const body = typeof res.body === 'object' && res.body ? res.body : {};
    return { status: res.status, ms: Date.now() - started, error: body.error, retryAfter: res.headers.get('retry-after'), active: body.active };
  };
  const introspection = (token: string) => timed(() => introspect(tessera.url, rs.basic, { token }));
  const currentUser = (token: string) => timed(() => api(tessera.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` }));
  const revoke = (id: number) => timed(() => api(tessera.url, 'DELETE', `/api/v1/user/tokens/${id}`, { auth: ADMIN }));
  const ready = () => timed(() => api(tessera.url, 'GET', '/readyz'));
  const unavailable = (answer: Answer) => [answer.status, answer.error, answer.retryAfter !== null, answer.ms < FAULT_BOUND_MS];
  const UNAVAILABLE = [503, 'temporarily_unavailable', true, true];

  /** Tokens verified before the fault (warm) and never verified (cold); each fault gets fresh ones. */
  async function tokensForAFault() {
    const warm = await newPat('verified before the fault');
    const cold = await newPat('never verified');
    const toRevoke = await newPat('revoked during the fault');
    for (const token of [warm.token, toRevoke.token]) {
      expect((await introspection(token)).active).toBe(true);
      expect((await currentUser(token)).status).toBe(200);
    }
    // A signed-in browser: its session is read from the database on every page.
    const browser = new WebClient(tessera.url);
    expect((await browser.signIn(SPAWNED_ADMIN.username, SPAWNED_ADMIN.password)).status).toBe(303);
    expect((await browser.get('/settings/tokens')).status).toBe(200);
    return { warm, cold, toRevoke, browser };
  }

  /** What every fault must give; `during` runs while the database does not answer. */
  async function duringTheFault(tokens: Awaited<ReturnType<typeof tokensForAFault>>) {
    const [coldIntrospections, coldUser, revoked, readiness, warmIntrospection, warmUser, tokenEndpoint, page] = await Promise.all([
      // More than the pool's 20 connections at once: the rest wait for one, boundedly.
      Promise.all(Array.from({ length: 30 }, () => introspection(tokens.cold.token))),
      currentUser(tokens.cold.token),
      revoke(tokens.toRevoke.id),
      ready(),
      introspection(tokens.warm.token),
      currentUser(tokens.warm.token),
      // oidc-provider's own endpoint: the client is read from the database.
      timed(() =>
        api(tessera.url, 'POST', '/token', {
          auth: rs.basic,
          rawBody: 'grant_type=client_credentials&scope=project',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
      ),
      timed(async () => {
        const res = await tokens.browser.get('/settings/tokens');
        return { status: res.status, headers: res.headers, body: res.text };
      }),
    ]);
    return { coldIntrospections, coldUser, revoked, readiness, warmIntrospection, warmUser, tokenEndpoint, page };
  }

  function expectBounded(during: Awaited<ReturnType<typeof duringTheFault>>) {
    for (const answer of during.coldIntrospections) expect(unavailable(answer)).toEqual(UNAVAILABLE);
    expect(unavailable(during.coldUser)).toEqual(UNAVAILABLE);
    expect(unavailable(during.revoked)).toEqual(UNAVAILABLE);
    expect(unavailable(during.tokenEndpoint)).toEqual(UNAVAILABLE);
    // A page fails as a page: 503 with Retry-After.
    expect([during.page.status, during.page.retryAfter !== null, during.page.ms < FAULT_BOUND_MS]).toEqual([503, true, true]);
    expect([during.readiness.status, during.readiness.ms < 2_500]).toEqual([503, true]);
    // Verified before: answered from memory (re-validated against Redis), right and at once.
    expect([during.warmIntrospection.status, during.warmIntrospection.active, during.warmIntrospection.ms < 1_000]).toEqual([200, true, true]);
    expect([during.warmUser.status, during.warmUser.ms < 1_000]).toEqual([200, true]);
  }

  async function expectRecovered(tokens: Awaited<ReturnType<typeof tokensForAFault>>) {
    const deadline = Date.now() + 20_000;
    while ((await ready()).status !== 200) {
      if (Date.now() > deadline) throw new Error('tessera did not recover after MariaDB returned');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await introspection(tokens.cold.token)).active).toBe(true);
    expect((await currentUser(tokens.cold.token)).status).toBe(200);
    // The refused revoke did nothing; it can be made now, and then holds.
    expect((await introspection(tokens.toRevoke.token)).active).toBe(true);
    expect((await revoke(tokens.toRevoke.id)).status).toBe(204);
    expect((await introspection(tokens.toRevoke.token)).active).toBe(false);
    expect((await introspection(tokens.warm.token)).active).toBe(true);
  }

  /** Prints what the fault cost, checks it against the bounds, then that the instance recovers (and never answered 500). */
  async function judge(fault: string, tokens: Awaited<ReturnType<typeof tokensForAFault>>, during: Awaited<ReturnType<typeof duringTheFault>>) {
    report(fault, during);
    expectBounded(during);
    await expectRecovered(tokens);
    expect(tessera.output()).not.toContain('"status":500');
  }

  function report(fault: string, during: Awaited<ReturnType<typeof duringTheFault>>) {
    const ms = during.coldIntrospections.map((a) => a.ms).sort((x, y) => x - y);
    process.stdout.write(
      `mariadb ${fault}: 30 uncached introspections 503 in ${ms[0]}–${ms.at(-1)} ms; GET /api/v1/user (uncached) ${during.coldUser.status} in ${during.coldUser.ms} ms; ` +
        `revoke ${during.revoked.status} in ${during.revoked.ms} ms; POST /token ${during.tokenEndpoint.status} in ${during.tokenEndpoint.ms} ms; ` +
        `web page ${during.page.status} in ${during.page.ms} ms; /readyz ${during.readiness.status} in ${during.readiness.ms} ms; ` +
        `cached introspection ${during.warmIntrospection.status} in ${during.warmIntrospection.ms} ms, GET /api/v1/user (cached) ${during.warmUser.status} in ${during.warmUser.ms} ms\n`,
    );
  }

  it('paused: requests that need it answer 503 with Retry-After within the timeouts; cached answers stay right; it recovers', async () => {
    const tokens = await tokensForAFault();
    mariadb.pause();
    let during: Awaited<ReturnType<typeof duringTheFault>>;
    try {
      during = await duringTheFault(tokens);
      // Hung connections were dropped, not handed out again: a second round is bounded the same way.
      expect(unavailable(await introspection(tokens.cold.token))).toEqual(UNAVAILABLE);
    } finally {
      mariadb.resume();
    }
    await judge('paused', tokens, during);
  }, 60_000);

  it('stopped: the same, and at once', async () => {
    const tokens = await tokensForAFault();
    await mariadb.stop();
    let during: Awaited<ReturnType<typeof duringTheFault>>;
    try {
      during = await duringTheFault(tokens);
    } finally {
      await mariadb.start();
    }
    await judge('stopped', tokens, during);
  }, 60_000);

  it('a revoke whose write outlives the query timeout answers 503 and still kills the token at once (fail closed)', async () => {
    const token = await newPat('revoked while its row is locked');
    expect((await introspection(token.token)).active).toBe(true);
    // Another session holds the token's row: the revoke's DELETE waits for it past the timeout and
    // is abandoned by Tessera, but MariaDB will still run it once the lock goes.
    await lockRows('SELECT id FROM personal_access_tokens WHERE id = ? FOR UPDATE', [token.id], async () => {
      expect(unavailable(await revoke(token.id))).toEqual(UNAVAILABLE);
      // The caller was told it failed, yet the token may be gone any moment: it counts as revoked now.
      expect((await introspection(token.token)).active).toBe(false);
      expect((await currentUser(token.token)).status).toBe(401);
    });
    // The abandoned DELETE ran when the lock went; a retry finds nothing, and the token stays dead.
    const deadline = Date.now() + 5_000;
    let retry: Answer;
    do retry = await revoke(token.id);
    while (retry.status !== 404 && Date.now() < deadline);
    expect(retry.status).toBe(404);
    expect((await introspection(token.token)).active).toBe(false);
  }, 60_000);

  it('so does an RFC 7009 revocation of an OAuth access token', async () => {
    const worker = await registerApp(tessera.url, ADMIN, machineApp('worker'));
    const token = await clientCredentialsToken(tessera.url, worker, 'project');
    expect((await introspection(token)).active).toBe(true);
    const revokeOAuth = () =>
      timed(() =>
        api(tessera.url, 'POST', '/token/revocation', {
          auth: worker.basic,
          rawBody: new URLSearchParams({ token }).toString(),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
      );
    await lockRows("SELECT id FROM oidc_payloads WHERE model = 'ClientCredentials' FOR UPDATE", [], async () => {
      expect(unavailable(await revokeOAuth())).toEqual(UNAVAILABLE);
      expect((await introspection(token)).active).toBe(false);
    });
    expect((await revokeOAuth()).status).toBe(200);
    expect((await introspection(token)).active).toBe(false);
  }, 60_000);
});
