import { api, createPat, createTestEnvironment, startInstances, startServer, startTestServer, type Instances, type TestServer, type TestEnvironment } from '../support/harness.js';
import { introspect, machineApp, registerApp, type ConfidentialApp } from '../support/oauth.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** `2027-01-31 12:00:00 UTC`, as Tessera-Token-Expiration spells an ISO instant. */
const headerTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

/** Issue 12: rotation with a grace period, reuse detection, the lifetime policy at use, last use. */
describe('PAT rotation', () => {
  let server: TestServer & { environment: TestEnvironment };
  let alice: { username: string; basic: string };
  let rs: ConfidentialApp;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    const admin = await server.createUser('root', { admin: true });
    rs = await registerApp(server.url, admin.basic, machineApp('resource server', { introspection: true }));
  });
  afterAll(() => server.close());

  const introspected = async (token: string) => (await introspect(server.url, rs.basic, { token, end_user_ip: '127.0.0.1' })).body as Record<string, unknown>;
  const me = (token: string) => api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
  const rotateSelf = (token: string, body: Record<string, unknown>) => api(server.url, 'POST', '/api/v1/user/tokens/self/rotate', { auth: `Bearer ${token}`, body });
  const securityLog = async (action: string) =>
    (await api(server.url, 'GET', `/api/v1/user/security-log?action=${action}`, { auth: alice.basic })).body as { action: string; details: Record<string, unknown> }[];

  it('self rotation: same record, the old secret works until the grace ends, then presenting it revokes the new one too', async () => {
    const old = await createPat(server.url, alice.basic, { scopes: ['user', 'token:rotate'], expires_in_days: 30, ip_allowlist: ['127.0.0.1/32'] });
    expect((await me(old.token)).status).toBe(200);

    const res = await rotateSelf(old.token, { grace_seconds: 3600 });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ id: old.id, scopes: ['user', 'token:rotate'], ip_allowlist: ['127.0.0.1/32'], expires_at: old.expires_at, active: true });
    const fresh = res.body.token as string;
    expect(fresh).not.toBe(old.token);
    const graceEnd = res.body.previous_secret_valid_until as string;
    expect(Date.parse(graceEnd) - server.clock.now().getTime()).toBeGreaterThan(3590_000);

    // In grace: both work; the old one says it is rotated and ends with the grace period.
    const during = await me(old.token);
    expect(during.status).toBe(200);
    expect(during.headers.get('tessera-token-expiration')).toBe(headerTime(graceEnd));
    expect(await introspected(old.token)).toMatchObject({ active: true, rotated: true, pat_id: old.id, exp: Math.floor(Date.parse(graceEnd) / 1000) });
    expect(await introspected(fresh)).toMatchObject({ active: true, rotated: false, pat_id: old.id });
    expect((await me(fresh)).headers.get('tessera-token-expiration')).toBe(headerTime(old.expires_at!));

    server.clock.advance(HOUR_MS + 1000);
    const after = await me(old.token);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(after.body.error_description).toMatch(/rotation/);
    // Reuse after the grace period revoked the whole token: the new secret is dead as well.
    expect(await introspected(fresh)).toEqual({ active: false });
    expect(await introspected(old.token)).toEqual({ active: false });
    expect((await me(fresh)).status).toBe(401);

    expect((await securityLog('token.reuse_detected')).length).toBe(1);
    expect((await securityLog('token.revoked')).map((e) => e.details.reason)).toContain('reuse');
    expect((await securityLog('token.rotated'))[0]!.details).toMatchObject({ grace_seconds: 3600, self: true });
    const record = await api(server.url, 'GET', `/api/v1/user/tokens/${old.id}`, { auth: alice.basic });
    expect(record.body).toMatchObject({ revoked: true, active: false, inactive_reason: 'revoked' });
  });

  it('rotating an already-rotated secret (in its grace) is reuse: the whole token is revoked', async () => {
    const old = await createPat(server.url, alice.basic, { scopes: ['user', 'token:rotate'] });
    const fresh = (await rotateSelf(old.token, { grace_seconds: 600 })).body.token as string;
    expect((await me(old.token)).status).toBe(200);
    const again = await rotateSelf(old.token, { grace_seconds: 600 });
    expect(again.status).toBe(401);
    expect(again.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await me(fresh)).status).toBe(401);
    expect((await me(old.token)).status).toBe(401);
  });

  it('without grace the old secret stops at once; bad bodies are 400s; the scope is required', async () => {
    const pat = await createPat(server.url, alice.basic, { scopes: ['user', 'token:rotate'] });
    for (const body of [{ grace_seconds: 86401 }, { grace_seconds: -1 }, { grace_seconds: 1.5 }, { grace_seconds: '60' }, { expires_in_days: 0 }, { name: 'x' }]) {
      expect((await rotateSelf(pat.token, body)).status).toBe(400);
    }
    const res = await rotateSelf(pat.token, {});
    expect(res.status).toBe(201);
    expect(await introspected(res.body.token)).toMatchObject({ active: true });
    expect(await introspected(pat.token)).toEqual({ active: false });

    const narrow = await createPat(server.url, alice.basic, { scopes: ['user'] });
    const refused = await rotateSelf(narrow.token, {});
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect((await rotateSelf('tsp_garbage', {})).status).toBe(401);
  });

  it('the owner rotates by id with a grace period; regenerate keeps meaning no grace', async () => {
    const pat = await createPat(server.url, alice.basic, { scopes: ['user'] });
    const res = await api(server.url, 'POST', `/api/v1/user/tokens/${pat.id}/rotate`, { auth: alice.basic, body: { grace_seconds: 60, expires_in_days: 7 } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/user/tokens/${pat.id}`);
    expect(res.body.id).toBe(pat.id);
    expect(await introspected(pat.token)).toMatchObject({ active: true, rotated: true });

    const regenerated = await api(server.url, 'POST', `/api/v1/user/tokens/${pat.id}/regenerate`, { auth: alice.basic, body: {} });
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.previous_secret_valid_until).toBeNull();
    expect(await introspected(res.body.token)).toEqual({ active: false });
    expect(await introspected(pat.token)).toEqual({ active: false });
    expect(await introspected(regenerated.body.token)).toMatchObject({ active: true, rotated: false });

    expect((await api(server.url, 'POST', '/api/v1/user/tokens/999999/rotate', { auth: alice.basic, body: {} })).status).toBe(404);
    expect((await api(server.url, 'POST', '/api/v1/user/tokens/abc/rotate', { auth: alice.basic, body: {} })).status).toBe(404);
  });

  it('last use: the last five distinct addresses with times, and the user agent', async () => {
    const pat = await createPat(server.url, alice.basic, { scopes: ['user'] });
    const addresses = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5', '192.0.2.6', '192.0.2.6', 'later', '192.0.2.2'];
    for (const ip of addresses) {
      // A known address is written at most once a minute (coalesced); a new one at once.
      if (ip === 'later') server.clock.advance(61_000);
      else expect(await introspect(server.url, rs.basic, { token: pat.token, end_user_ip: ip }).then((r) => r.body.active)).toBe(true);
      await waitForWrites();
    }
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${pat.token}`, headers: { 'User-Agent': 'rotation-test/1.0' } })).status).toBe(200);
    await waitForWrites();
    const record = (await api(server.url, 'GET', `/api/v1/user/tokens/${pat.id}`, { auth: alice.basic })).body;
    expect(record.last_used_ips.map((e: { ip: string }) => e.ip)).toEqual(['127.0.0.1', '192.0.2.2', '192.0.2.6', '192.0.2.5', '192.0.2.4']);
    for (const e of record.last_used_ips) expect(Number.isNaN(Date.parse(e.used_at))).toBe(false);
    expect(record.last_used_ip).toBe('127.0.0.1');
    expect(record.last_used_user_agent).toBe('rotation-test/1.0');
  });
});

/** Writes of last use are fire-and-forget: give them a moment to land. */
async function waitForWrites(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 150));
}

describe('rotation seen from two instances', () => {
  let deployment: Instances<[TestServer, TestServer]>;
  let rs: ConfidentialApp;
  beforeAll(async () => {
    deployment = await startInstances([{}, {}]);
    const admin = await deployment.instances[0].createUser('root', { admin: true });
    rs = await registerApp(deployment.instances[0].url, admin.basic, machineApp('resource server', { introspection: true }));
  });
  afterAll(() => deployment.close());

  it('the old secret is active on both during the grace, inactive on both after it, and so is the new one', async () => {
    const [a, b] = deployment.instances;
    const alice = await a.createUser('alice');
    const old = await createPat(a.url, alice.basic, { scopes: ['user', 'token:rotate'] });
    const active = async (server: TestServer, token: string) => (await introspect(server.url, rs.basic, { token })).body.active as boolean;
    // Both instances hold the token in memory before the rotation.
    for (const s of [a, b]) expect(await active(s, old.token)).toBe(true);
    const rotated = await api(b.url, 'POST', '/api/v1/user/tokens/self/rotate', { auth: `Bearer ${old.token}`, body: { grace_seconds: 120 } });
    expect(rotated.status).toBe(201);
    const fresh = rotated.body.token as string;
    for (const s of [a, b]) {
      expect((await introspect(s.url, rs.basic, { token: old.token })).body).toMatchObject({ active: true, rotated: true });
      expect(await active(s, fresh)).toBe(true);
    }
    for (const s of [a, b]) s.clock.advance(121_000);
    expect(await active(a, old.token)).toBe(false);
    for (const s of [a, b]) {
      expect(await active(s, old.token)).toBe(false);
      expect(await active(s, fresh)).toBe(false);
    }
  });
});

describe('the lifetime policy applies at use', () => {
  it('a lowered PAT_MAX_LIFETIME_DAYS stops older tokens, says why, and lists them', async () => {
    const environment = await createTestEnvironment();
    const first = await startServer(environment);
    try {
      const alice = await first.createUser('alice');
      const old = await createPat(first.url, alice.basic, { scopes: ['user'] });
      const recent = await createPat(first.url, alice.basic, { scopes: ['user'], expires_in_days: 400 });
      const rotatable = await createPat(first.url, alice.basic, { scopes: ['user'] });
      const admin = await first.createUser('root', { admin: true });
      const rs = await registerApp(first.url, admin.basic, machineApp('resource server', { introspection: true }));
      const issued = (await api(first.url, 'POST', '/api/v1/users/alice/impersonation-tokens', { auth: admin.basic, body: { name: 'support', scopes: ['user'] } })).body;
      await first.close();

      // Same database, a stricter policy, and 40 days later.
      const second = await startServer(environment, { PAT_MAX_LIFETIME_DAYS: '30' });
      try {
        second.clock.advance(40 * DAY_MS);
        const res = await api(second.url, 'GET', '/api/v1/user', { auth: `Bearer ${old.token}` });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
        expect(res.body.error_description).toMatch(/longest lifetime/);
        expect((await introspect(second.url, rs.basic, { token: old.token })).body).toEqual({ active: false });
        expect((await introspect(second.url, rs.basic, { token: recent.token })).body).toEqual({ active: false });

        const list = (await api(second.url, 'GET', '/api/v1/user/tokens', { auth: alice.basic })).body as { id: number; active: boolean; inactive_reason: string | null }[];
        expect(list.find((p) => p.id === old.id)).toMatchObject({ active: false, inactive_reason: 'max_lifetime' });
        const adminList = (await api(second.url, 'GET', '/api/v1/users/alice/impersonation-tokens', { auth: admin.basic })).body as { id: number; inactive_reason: string | null }[];
        expect(adminList.find((p) => p.id === issued.id)).toMatchObject({ inactive_reason: 'max_lifetime' });

        // The owner rotates it into the policy: a new secret, an expiry within the cap.
        const rotated = await api(second.url, 'POST', `/api/v1/user/tokens/${rotatable.id}/rotate`, { auth: alice.basic, body: { expires_in_days: 30 } });
        expect(rotated.status).toBe(201);
        expect((await introspect(second.url, rs.basic, { token: rotated.body.token })).body).toMatchObject({ active: true });
        // Beyond the cap: refused.
        expect((await api(second.url, 'POST', `/api/v1/user/tokens/${rotatable.id}/rotate`, { auth: alice.basic, body: { expires_in_days: 31 } })).status).toBe(400);
      } finally {
        await second.close();
      }
    } finally {
      await environment.destroy();
    }
  });

  it('PAT_MAX_IDLE_DAYS: a token unused that long is revoked at its next use, and the owner is told', async () => {
    const server = await startTestServer({ PAT_MAX_IDLE_DAYS: '10' });
    try {
      const alice = await server.createUser('alice');
      const used = await createPat(server.url, alice.basic, { scopes: ['user'] });
      const idle = await createPat(server.url, alice.basic, { scopes: ['user'] });
      const forgotten = await createPat(server.url, alice.basic, { scopes: ['user'] });
      server.clock.advance(6 * DAY_MS);
      expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${used.token}` })).status).toBe(200);
      await waitForWrites();
      server.clock.advance(6 * DAY_MS);
      expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${used.token}` })).status).toBe(200);
      const res = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${idle.token}` });
      expect(res.status).toBe(401);
      expect(res.body.error_description).toMatch(/unused/);
      expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${idle.token}` })).status).toBe(401);
      const record = (await api(server.url, 'GET', `/api/v1/user/tokens/${idle.id}`, { auth: alice.basic })).body;
      expect(record).toMatchObject({ revoked: true, active: false });
      const revokedLog = async () =>
        ((await api(server.url, 'GET', '/api/v1/user/security-log?action=token.revoked', { auth: alice.basic })).body as { token_id: number; details: Record<string, unknown> }[]);
      expect((await revokedLog()).map((e) => [e.token_id, e.details.reason])).toEqual([[idle.id, 'idle']]);

      // The cleanup run sweeps the ones nobody presents again, so their owners are told too.
      const report = await server.container.cleanup.run();
      expect(report.idle_personal_access_tokens).toMatchObject({ deleted: 1 });
      expect((await revokedLog()).map((e) => [e.token_id, e.details.reason]).sort()).toEqual([[forgotten.id, 'idle'], [idle.id, 'idle']].sort());
      expect((await api(server.url, 'GET', `/api/v1/user/tokens/${used.id}`, { auth: alice.basic })).body).toMatchObject({ active: true });
      expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${forgotten.token}` })).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
