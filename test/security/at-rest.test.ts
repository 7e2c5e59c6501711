import * as oidc from 'openid-client';
import { Redis } from 'ioredis';
import { api, startTestServer, type TestServer } from '../support/harness.js';
import { approveDevice, authorizationRequest, codeFlow, DEVICE_CODE, deviceApp, postForm, registerApp, relyingParty, signInAndConsent } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

/**
 * What a database or Redis dump holds: no token, code, secret or password anyone could use.
 * The suite runs real flows, keeps every secret they hand out, then reads every row of every
 * table and every Redis key (name and value) under the instance's prefix.
 */
describe('nothing usable at rest', () => {
  let server: TestServer;
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  async function dump(): Promise<string> {
    const parts: string[] = [];
    const ds = server.container.dataSource;
    for (const table of ['users', 'personal_access_tokens', 'oauth_applications', 'oidc_payloads', 'web_sessions']) {
      parts.push(JSON.stringify(await ds.query(`SELECT * FROM ${table}`)));
    }
    if (server.config.redisUrl) {
      const redis = new Redis(server.config.redisUrl);
      try {
        for (const key of await redis.keys(`${server.config.redisKeyPrefix}*`)) {
          const type = await redis.type(key);
          const value =
            type === 'string' ? await redis.get(key) : type === 'hash' ? await redis.hgetall(key) : type === 'set' ? await redis.smembers(key) : type === 'zset' ? await redis.zrange(key, 0, -1) : type;
          parts.push(key, JSON.stringify(value));
        }
      } finally {
        redis.disconnect();
      }
    }
    return parts.join('\n');
  }

  it('holds no password, PAT, client secret, OAuth token, code, device code or session cookie', async () => {
    const alice = await server.createUser('alice-at-rest');
    secrets.set('password', alice.password);
    const pat = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'dump', scopes: ['user'] } });
    expect(pat.status).toBe(201);
    secrets.set('PAT', pat.body.token);

    const app = await registerApp(server.url, alice.basic, { name: 'Dump app', grant_types: ['authorization_code', 'refresh_token'] });
    secrets.set('client secret', app.client_secret);
    const browser = new WebClient(server.url);
    const webApp = await relyingParty(server.url, app);
    const tokens = await codeFlow(webApp, browser, alice, { scope: 'user' });
    secrets.set('access token', tokens.access_token);
    secrets.set('refresh token', tokens.refresh_token!);
    for (const [name, value] of browser.cookies) if (!name.endsWith('.sig') && value.length >= 16) secrets.set(`cookie ${name}`, value);
    const unredeemed = await signInAndConsent(browser, (await authorizationRequest(webApp, { scope: 'user' })).url, alice);
    secrets.set('authorization code', unredeemed.searchParams.get('code')!);
    expect([...secrets.keys()].some((name) => name.startsWith('cookie _session'))).toBe(true);

    // A device flow left waiting for the user, and one approved but not yet redeemed.
    const cli = await registerApp(server.url, alice.basic, deviceApp('Dump CLI'));
    const rp = await relyingParty(server.url, cli);
    const waiting = await oidc.initiateDeviceAuthorization(rp, { scope: 'user' });
    secrets.set('device code (waiting)', waiting.device_code);
    const approved = await oidc.initiateDeviceAuthorization(rp, { scope: 'user' });
    secrets.set('device code (approved)', approved.device_code);
    const done = await approveDevice(browser, approved.verification_uri, approved.user_code, alice);
    expect(done.status).toBe(200);

    const contents = await dump();
    for (const [what, secret] of secrets) {
      expect({ what, found: contents.includes(secret) }).toEqual({ what, found: false });
    }

    // And the flows still work from what is stored: the approved device redeems its code once.
    const redeemed = await postForm(`${server.url}/token`, { grant_type: DEVICE_CODE, device_code: approved.device_code, client_id: cli.client_id });
    expect(redeemed.status).toBe(200);
  });
});
