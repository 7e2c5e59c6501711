import { createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';
import * as oidc from 'openid-client';
import { machineApp, registerApp, relyingParty } from '../support/oauth.js';
import { api, basicAuth, startTestServer, type TestServer } from '../support/harness.js';

const DAY = 86_400_000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The checksum as the issue specifies it (6 base62 characters of CRC32), computed independently of src/. */
function expectedChecksum(body: string): string {
  let rest = crc32(body);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

describe('POST /api/v1/user/tokens', () => {
  let server: TestServer;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  const create = (body: unknown, auth = alice.basic) => api(server.url, 'POST', '/api/v1/user/tokens', { auth, body });

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
  });
  afterAll(() => server.close());

  it('answers 201 with the record and the secret, shown only this once', async () => {
    const res = await create({ name: 'ci', description: 'for the build', scopes: ['user', 'project:depot'] });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const token: string = res.body.token;
    expect(token).toMatch(/^tsp_[0-9A-Za-z]{32,}$/);
    expect(token.length).toBeGreaterThanOrEqual(36);
    // 30 random base62 characters ≥ 160 bits; the last 6 are the CRC32 of everything before.
    expect(token.length - 'tsp_'.length - 6).toBeGreaterThanOrEqual(Math.ceil(160 / Math.log2(62)));
    expect(token.slice(-6)).toBe(expectedChecksum(token.slice(0, -6)));
    expect(res.body).toMatchObject({
      name: 'ci',
      description: 'for the build',
      scopes: ['user', 'project:depot'],
      token_last_four: token.slice(-4),
      expires_at: null,
      revoked: false,
      active: true,
      impersonation: false,
    });
    expect(res.headers.get('location')).toBe(`/api/v1/user/tokens/${res.body.id}`);

    const one = await api(server.url, 'GET', `/api/v1/user/tokens/${res.body.id}`, { auth: alice.basic });
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('token');
    const list = await api(server.url, 'GET', '/api/v1/user/tokens', { auth: alice.basic });
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(one.body)).not.toContain(token);
  });

  it('stores only a keyed digest of the secret', async () => {
    const res = await create({ name: 'digest-check', scopes: ['user'] });
    const rows: Record<string, unknown>[] = await server.container.dataSource.query('SELECT * FROM personal_access_tokens WHERE id = ?', [res.body.id]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(res.body.token);
    expect(JSON.stringify(rows)).not.toContain(res.body.token.slice(4, -6));
    expect(rows[0]!.token_digest).toBe(createHmac('sha256', server.config.tokenPepper).update(res.body.token).digest('hex'));
  });

  it.each([7, 30, 60, 90])('expires_in_days %i sets the expiry that many days ahead', async (days) => {
    const before = server.clock.now().getTime();
    const res = await create({ name: `d${days}`, scopes: ['user'], expires_in_days: days });
    expect(res.status).toBe(201);
    const expiresAt = Date.parse(res.body.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + days * DAY);
    expect(expiresAt).toBeLessThan(before + days * DAY + 60_000);
  });

  it('accepts a custom expires_at (date or date-time), and none', async () => {
    const day = new Date(server.clock.now().getTime() + 45 * DAY).toISOString().slice(0, 10);
    const byDate = await create({ name: 'by-date', scopes: ['user'], expires_at: day });
    expect(byDate.status).toBe(201);
    expect(byDate.body.expires_at).toBe(`${day}T00:00:00.000Z`);

    const when = new Date(server.clock.now().getTime() + 3 * DAY + 1234);
    const byTime = await create({ name: 'by-time', scopes: ['user'], expires_at: when.toISOString() });
    expect(byTime.status).toBe(201);
    expect(byTime.body.expires_at).toBe(when.toISOString());

    const never = await create({ name: 'never', scopes: ['user'], expires_at: null });
    expect(never.status).toBe(201);
    expect(never.body.expires_at).toBeNull();
  });

  it('refuses bad expiry input with 400', async () => {
    const both = await create({ name: 'x', scopes: ['user'], expires_in_days: 7, expires_at: '2999-01-01' });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
    expect(both.body.error_description).toMatch(/expires_in_days or expires_at/);

    const past = await create({ name: 'x', scopes: ['user'], expires_at: '2000-01-01' });
    expect(past.status).toBe(400);
    expect(past.body.error_description).toMatch(/future/);

    for (const expires_at of ['tomorrow', '2030-13-45', '2030-02-30', '2031-04-31', '2030-01-01T10:00', '2030-01-01T10:00:00', 20300101]) {
      const res = await create({ name: 'x', scopes: ['user'], expires_at });
      expect([res.status, res.body.error_description]).toEqual([400, expect.stringMatching(/^expires_at/)]);
    }
    for (const expires_in_days of [0, -1, 1.5, '7']) {
      const res = await create({ name: 'x', scopes: ['user'], expires_in_days });
      expect([res.status, res.body.error_description]).toEqual([400, expect.stringMatching(/^expires_in_days/)]);
    }
  });

  it('validates ip_allowlist entries (IPv4, IPv6, CIDR) and stores them as CIDRs', async () => {
    const res = await create({ name: 'ips', scopes: ['user'], ip_allowlist: ['203.0.113.7', '10.1.2.3/8', '2001:db8::1', '2001:db8:abcd::/48'] });
    expect(res.status).toBe(201);
    expect(res.body.ip_allowlist).toEqual(['203.0.113.7/32', '10.0.0.0/8', '2001:db8::1/128', '2001:db8:abcd::/48']);

    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '300.1.1.1', 'example.com', '10.0.0.0/', '']) {
      const r = await create({ name: 'bad-ip', scopes: ['user'], ip_allowlist: [bad] });
      expect([bad, r.status, r.body.error]).toEqual([bad, 400, 'invalid_request']);
      expect(r.body.error_description).toMatch(/ip_allowlist/);
    }
  });

  it('refuses an unknown scope with 400 invalid_scope naming it', async () => {
    const res = await create({ name: 'x', scopes: ['user', 'repo:admin'] });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
    expect(res.body.error_description).toContain('repo:admin');

    const oidcOnly = await create({ name: 'x', scopes: ['openid'] });
    expect(oidcOnly.status).toBe(400);
    expect(oidcOnly.body.error).toBe('invalid_scope');
    expect(oidcOnly.body.error_description).toContain('openid');

    const none = await create({ name: 'x', scopes: [] });
    expect(none.status).toBe(400);
  });

  it('refuses missing or malformed fields with 400 naming the field', async () => {
    expect((await create({ scopes: ['user'] })).body.error_description).toMatch(/^name/);
    expect((await create({ name: '   ', scopes: ['user'] })).body.error_description).toMatch(/^name/);
    expect((await create({ name: 'x'.repeat(101), scopes: ['user'] })).body.error_description).toMatch(/^name/);
    expect((await create({ name: 'x' })).body.error_description).toMatch(/^scopes/);
    const unknownField = await create({ name: 'x', scopes: ['user'], admin: true });
    expect(unknownField.status).toBe(400);
    const notObject = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, rawBody: '[1,2]' });
    expect(notObject.status).toBe(400);
  });

  it('refuses malformed JSON with 400 and a body over 1 MB with 413', async () => {
    const malformed = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, rawBody: '{"name": "x", scopes: [' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/JSON/) });

    const huge = await create({ name: 'x', scopes: ['user'], description: 'a'.repeat(1024 * 1024 + 10) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('invalid_request');
  });

  it('refuses a wrong password, an unknown user and no credentials with 401', async () => {
    for (const auth of [basicAuth('alice', 'wrong password'), basicAuth('nobody', alice.password), undefined]) {
      const res = await api(server.url, 'POST', '/api/v1/user/tokens', { auth, body: { name: 'x', scopes: ['user'] } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
    const list = await api(server.url, 'GET', '/api/v1/user/tokens', { auth: basicAuth('alice', 'wrong password') });
    expect(list.status).toBe(401);
  });

  it('a PAT (as Bearer, token or Basic password) or any bearer token cannot mint or manage tokens', async () => {
    const pat = (await create({ name: 'powerful', scopes: ['user', 'user:email', 'project'] })).body;
    const schemes = [`Bearer ${pat.token}`, `token ${pat.token}`, basicAuth('alice', pat.token), 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln'];
    for (const auth of schemes) {
      const minted = await api(server.url, 'POST', '/api/v1/user/tokens', { auth, body: { name: 'escalate', scopes: ['user'] } });
      expect([auth, minted.status]).toEqual([auth, 401]);
      const listed = await api(server.url, 'GET', '/api/v1/user/tokens', { auth });
      expect(listed.status).toBe(401);
      const deleted = await api(server.url, 'DELETE', `/api/v1/user/tokens/${pat.id}`, { auth });
      expect(deleted.status).toBe(401);
      const regenerated = await api(server.url, 'POST', `/api/v1/user/tokens/${pat.id}/regenerate`, { auth });
      expect(regenerated.status).toBe(401);
    }
    // The token is untouched and still works.
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${pat.token}` })).status).toBe(200);
  });

  it('a real OAuth access token cannot mint or manage tokens either', async () => {
    const app = await registerApp(server.url, alice.basic, machineApp('Robot'));
    const { access_token } = await oidc.clientCredentialsGrant(await relyingParty(server.url, app), { scope: 'user project' });
    for (const auth of [`Bearer ${access_token}`, `token ${access_token}`, basicAuth('alice', access_token)]) {
      const minted = await api(server.url, 'POST', '/api/v1/user/tokens', { auth, body: { name: 'escalate', scopes: ['user'] } });
      expect(minted.status).toBe(401);
      expect((await api(server.url, 'DELETE', '/api/v1/user/tokens', { auth })).status).toBe(401);
    }
    expect((await api(server.url, 'GET', '/api/v1/user/tokens', { auth: alice.basic })).body.map((t: { name: string }) => t.name)).not.toContain('escalate');
  });
});

describe('POST /api/v1/user/tokens with a maximum lifetime configured', () => {
  let server: TestServer;
  let bob: Awaited<ReturnType<TestServer['createUser']>>;
  const create = (body: unknown) => api(server.url, 'POST', '/api/v1/user/tokens', { auth: bob.basic, body });

  beforeAll(async () => {
    server = await startTestServer({ PAT_MAX_LIFETIME_DAYS: '30' });
    bob = await server.createUser('bob');
  });
  afterAll(() => server.close());

  it('accepts expiries within the cap and refuses longer ones and "never"', async () => {
    expect((await create({ name: 'ok', scopes: ['user'], expires_in_days: 30 })).status).toBe(201);
    const tooLong = await create({ name: 'long', scopes: ['user'], expires_in_days: 60 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error_description).toMatch(/30 days/);
    const farDate = new Date(server.clock.now().getTime() + 31 * DAY).toISOString();
    expect((await create({ name: 'far', scopes: ['user'], expires_at: farDate })).status).toBe(400);
    const never = await create({ name: 'never', scopes: ['user'] });
    expect(never.status).toBe(400);
    expect(never.body.error_description).toMatch(/must expire/);
  });
});
