import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { api, createTestEnvironment, type TestEnvironment } from '../support/harness.js';
import { freePort, spawnTessera, SPAWNED_ADMIN as ADMIN, type TesseraProcess } from '../support/processes.js';
import { approveDevice, authorizationRequest, isActive, registerApp, relyingParty, signInAndConsent } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

// Real Tessera processes over one MariaDB + Redis: only meaningful in production mode.
const sharedBackends = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const describeShared = sharedBackends ? describe : describe.skip;

/**
 * A load balancer in front of the instances, at the issuer's URL: forwards every request to
 * the instance `pick()` chooses, so a browser and a client library see one server.
 */
async function startBalancer(port: number) {
  let targets: string[] = [];
  let next = 0;
  const server = http.createServer((req, res) => {
    const target = new URL(req.url!, targets[next++ % targets.length]);
    const upstream = http.request(target, { method: req.method, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Every request goes to the next of these, round robin. */
    route(to: TesseraProcess[]) {
      targets = to.map((t) => t.url);
      next = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeShared('OAuth across restarts and instances (MariaDB + Redis)', () => {
  let environment: TestEnvironment;
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  const running = new Set<TesseraProcess>();

  async function start(): Promise<TesseraProcess> {
    const instance = await spawnTessera({ ...environment.env, ISSUER: balancer.url });
    running.add(instance);
    return instance;
  }

  async function stop(instance: TesseraProcess): Promise<void> {
    await instance.stop();
    running.delete(instance);
  }

  beforeAll(async () => {
    environment = await createTestEnvironment();
    balancer = await startBalancer(await freePort());
  }, 30_000);

  afterAll(async () => {
    await Promise.all([...running].map((p) => p.stop()));
    await balancer?.close();
    await environment?.destroy();
  });

  it('loses nothing when the server restarts mid-flow: during sign-in, before the code exchange, before the refresh', async () => {
    let instance = await start();
    balancer.route([instance]);
    const app = await registerApp(balancer.url, ADMIN.basic, { name: 'Restart app', introspection: true });
    const rp = await relyingParty(balancer.url, app);
    const browser = new WebClient(balancer.url);

    const request = await authorizationRequest(rp, { scope: 'openid profile user offline_access', prompt: 'consent' });
    const login = await browser.follow(request.url.href);
    expect(login.text).toContain('name="password"');

    // Restart while the user is on the login page (interaction in Redis, session cookie in the browser).
    await stop(instance);
    instance = await start();
    balancer.route([instance]);
    const consent = await browser.submit(login, { username: ADMIN.username, password: ADMIN.password, action: 'login' });
    expect(consent.text).toContain('value="confirm"');
    const back = await browser.submit(consent, { action: 'confirm' });
    const callback = new URL(back.location!);

    // Restart between authorization and token exchange (code in Redis).
    await stop(instance);
    instance = await start();
    balancer.route([instance]);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });
    // The subject is the account's id, as the users API knows it.
    const users: { id: number; username: string }[] = (await api(balancer.url, 'GET', '/api/v1/users', { auth: ADMIN.basic })).body;
    expect(tokens.claims()?.sub).toBe(String(users.find((u) => u.username === ADMIN.username)!.id));

    // Restart before using and refreshing (tokens and grant in MariaDB, same signing keys).
    await stop(instance);
    instance = await start();
    balancer.route([instance]);
    expect(await isActive(rp, tokens.access_token)).toBe(true);
    const info = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub);
    expect(info.preferred_username).toBe('admin');
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(refreshed.claims()?.sub).toBe(tokens.claims()?.sub);

    // The browser session survived too: no second sign-in.
    const again = await authorizationRequest(rp, { scope: 'openid user' });
    const page = await browser.follow(again.url.href);
    expect(page.text).not.toContain('name="password"');
    await stop(instance);
  }, 90_000);

  describe('two instances behind one balancer, every request to the other one', () => {
    let a: TesseraProcess;
    let b: TesseraProcess;
    let rp: oidc.Configuration;

    beforeAll(async () => {
      [a, b] = await Promise.all([start(), start()]);
      balancer.route([a, b]);
      const app = await registerApp(balancer.url, ADMIN.basic, {
        name: 'Balanced app',
        introspection: true,
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      });
      rp = await relyingParty(balancer.url, app);
    }, 60_000);

    it('finishes a code + PKCE flow started on A', async () => {
      for (let round = 0; round < 3; round++) {
        const request = await authorizationRequest(rp, { scope: 'openid user offline_access', prompt: 'consent' });
        const callback = await signInAndConsent(new WebClient(balancer.url), request.url, ADMIN);
        const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });
        expect(await isActive(rp, tokens.access_token)).toBe(true);
        expect(await isActive(rp, tokens.access_token)).toBe(true);
        const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
        // Reuse detection holds across instances: the replay lands on the other one.
        await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
        expect(await isActive(rp, refreshed.access_token)).toBe(false);
        expect(await isActive(rp, refreshed.access_token)).toBe(false);
      }
    });

    it('finishes a device flow started on A', async () => {
      const started = await oidc.initiateDeviceAuthorization(rp, { scope: 'user' });
      const page = await approveDevice(new WebClient(balancer.url), started.verification_uri, started.user_code, ADMIN);
      expect(page.status).toBe(200);
      const tokens = await oidc.pollDeviceAuthorizationGrant(rp, { ...started, interval: 0.01 });
      expect(tokens.scope).toBe('user');
    });
  });
});
