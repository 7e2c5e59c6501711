import * as oidc from 'openid-client';
import { In } from 'typeorm';
import { OidcPayloadEntity, WebSessionEntity } from '../../src/entities/index.js';
import { api, productionMode, startInstances, type Instances, type TestServer } from '../support/harness.js';
import { authorizationRequest, codeFlow, deviceApp, machineApp, postForm, REDIRECT_URI, registerApp, relyingParty } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';
import { runCli } from '../cli/run-cli.js';

/**
 * Expired rows are purged: OAuth artifacts of every model (oidc_payloads) and web sessions,
 * in batches of CLEANUP_BATCH_SIZE, by every instance at once if need be, and by
 * `tessera cleanup`; security-log entries past SECURITY_LOG_RETENTION_DAYS. Personal access tokens
 * are never deleted: expired ones stay listed.
 */
const BATCH = 4;
const DAY = 24 * 60 * 60 * 1000;

describe('purging expired rows', () => {
  let instances: Instances<TestServer[]>;
  let a: TestServer;
  let b: TestServer;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;

  beforeAll(async () => {
    // A second instance over the same database (and Redis).
    const started = await startInstances([{ CLEANUP_BATCH_SIZE: String(BATCH) }, { CLEANUP_BATCH_SIZE: String(BATCH) }]);
    [a, b] = started.instances;
    instances = started;
    alice = await a.createUser('alice');
  });
  afterAll(() => instances?.close());

  const count = async (table: string) => Number((await a.container.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  async function models(): Promise<string[]> {
    const rows: { model: string }[] = await a.container.dataSource.query('SELECT DISTINCT model FROM oidc_payloads');
    return rows.map((r) => r.model).sort();
  }

  /** Artifacts of every model the provider stores, and web sessions, made through HTTP. */
  async function makeEverything(): Promise<void> {
    for (let i = 0; i < 3; i++) await new WebClient(a.url).signIn(alice.username, alice.password);
    const web = await registerApp(a.url, alice.basic, { name: 'Web', grant_types: ['authorization_code', 'refresh_token'] });
    const rp = await relyingParty(a.url, web);
    // Plain OAuth (no openid): a refresh token too.
    await codeFlow(rp, new WebClient(a.url), alice, { scope: 'user' });
    // An authorization left at the sign-in page (Interaction), and a pushed request never used.
    await new WebClient(a.url).follow((await authorizationRequest(rp, { scope: 'openid' })).url.href);
    await oidc.buildAuthorizationUrlWithPAR(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    const service = await registerApp(a.url, alice.basic, machineApp('Service'));
    await oidc.clientCredentialsGrant(await relyingParty(a.url, service), { scope: 'user' });
    const cli = await registerApp(a.url, alice.basic, deviceApp('CLI'));
    expect((await postForm(`${a.url}/device/auth`, { client_id: cli.client_id, scope: 'user' })).status).toBe(200);
  }

  async function pats(): Promise<{ id: number; active: boolean }[]> {
    return (await api(a.url, 'GET', '/api/v1/user/tokens', { auth: alice.basic })).body;
  }

  it('removes every expired OAuth artifact and web session, in batches, and keeps personal access tokens', async () => {
    expect((await api(a.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'forever', scopes: ['user'] } })).status).toBe(201);
    expect((await api(a.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'a day', scopes: ['user'], expires_in_days: 1 } })).status).toBe(201);
    await makeEverything();
    const stored = ['AccessToken', 'ClientCredentials', 'Grant', 'RefreshToken', 'Session'];
    // Without Redis the short-lived models are rows too (with Redis, its TTLs expire them).
    if (!productionMode) stored.push('AuthorizationCode', 'DeviceCode', 'Interaction', 'PushedAuthorizationRequest');
    expect(await models()).toEqual(stored.sort());
    const oidcRows = await count('oidc_payloads');
    expect(await count('web_sessions')).toBe(3);

    // Nothing has expired yet.
    expect(await a.container.cleanup.run()).toEqual({
      oidc_payloads: { deleted: 0, batches: 1 },
      web_sessions: { deleted: 0, batches: 1 },
      security_events: { deleted: 0, batches: 1 },
    });
    // The tokens' creation, the sign-ins, the consent … all of it within retention so far.
    const logged = await count('security_events');
    expect(logged).toBeGreaterThanOrEqual(2);
    expect(await count('oidc_payloads')).toBe(oidcRows);

    // A year and a month later every artifact (grants live a year) and session has expired.
    a.clock.advance(400 * DAY);
    const report = await a.container.cleanup.run();
    expect(report).toEqual({
      oidc_payloads: { deleted: oidcRows, batches: Math.floor(oidcRows / BATCH) + 1 },
      web_sessions: { deleted: 3, batches: 1 },
      // Past SECURITY_LOG_RETENTION_DAYS (365).
      security_events: { deleted: logged, batches: Math.floor(logged / BATCH) + 1 },
    });
    expect(await count('security_events')).toBe(0);
    expect(await count('oidc_payloads')).toBe(0);
    expect(await count('web_sessions')).toBe(0);
    const left = await pats();
    expect(left).toHaveLength(2);
    expect(left.filter((p) => !p.active)).toHaveLength(1);
  });

  it('instances purging at the same time delete each row once, and leave none', async () => {
    for (let i = 0; i < 30; i++) await new WebClient(a.url).signIn(alice.username, alice.password);
    await makeEverything();
    const oidcRows = await count('oidc_payloads');
    const sessions = await count('web_sessions');
    expect(sessions).toBeGreaterThanOrEqual(30);
    a.clock.advance(400 * DAY);
    b.clock.advance(800 * DAY);
    const [first, second] = await Promise.all([a.container.cleanup.run(), b.container.cleanup.run()]);
    expect(first.web_sessions!.deleted + second.web_sessions!.deleted).toBe(sessions);
    expect(first.oidc_payloads!.deleted + second.oidc_payloads!.deleted).toBe(oidcRows);
    expect(await count('web_sessions')).toBe(0);
    expect(await count('oidc_payloads')).toBe(0);
    expect(await pats()).toHaveLength(2);
  });

  it('`tessera cleanup` purges what has expired, and only that', async () => {
    await makeEverything();
    const before = await count('oidc_payloads');
    // Time passes for some rows only (the CLI runs on the real clock).
    const sessions = a.container.dataSource.getRepository(WebSessionEntity);
    const webSessions = await count('web_sessions');
    const twoSessions = (await sessions.find({ take: 2 })).map((s) => s.idDigest);
    await sessions.update({ idDigest: In(twoSessions) }, { expiresAt: new Date(Date.now() - 1000) });
    const payloads = a.container.dataSource.getRepository(OidcPayloadEntity);
    // Past expiry and the 60 s the provider is given to say "expired".
    await payloads.update({ model: In(['AccessToken', 'Session']) }, { expiresAt: new Date(Date.now() - 120_000) });
    const expiredOidc = await payloads.countBy({ model: In(['AccessToken', 'Session']) });
    expect(expiredOidc).toBeGreaterThanOrEqual(2);

    const result = await runCli(instances.environment.env, ['cleanup', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { deleted } = JSON.parse(result.stdout) as { deleted: Record<string, { deleted: number }> };
    expect(deleted.web_sessions!.deleted).toBe(2);
    expect(deleted.oidc_payloads!.deleted).toBe(expiredOidc);
    expect(await count('web_sessions')).toBe(webSessions - 2);
    expect(await count('oidc_payloads')).toBe(before - expiredOidc);
    expect(await pats()).toHaveLength(2);

    const text = await runCli(instances.environment.env, ['cleanup']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Deleted 0 expired row(s).');
  }, 60_000);

  it('runs on a schedule, and stops when told', async () => {
    for (let i = 0; i < 5; i++) await new WebClient(a.url).signIn(alice.username, alice.password);
    a.clock.advance(DAY);
    const schedule = a.container.cleanup.schedule(50, a.container.logger);
    try {
      const deadline = Date.now() + 5000;
      while ((await count('web_sessions')) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(await count('web_sessions')).toBe(0);
    } finally {
      await schedule.stop();
    }
    await new WebClient(a.url).signIn(alice.username, alice.password);
    a.clock.advance(DAY);
    await new Promise((r) => setTimeout(r, 200));
    expect(await count('web_sessions')).toBe(1);
  });
});
