import { jest } from '@jest/globals';
import * as oidc from 'openid-client';
import { startTestServer, type TestServer } from '../support/harness.js';
import { answerSignInAndConsent, clientBasic, DEVICE_CODE, deviceApp, isActive, machineApp, OPAQUE, postForm, registerApp, relyingParty } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

const DEVICE_CODE_TTL = 30;

/** openid-client waits `interval` seconds before each poll; the tests approve first, then poll at once. */
const pollNow = <T extends { interval?: number }>(response: T): T => ({ ...response, interval: 0.01 });

describe('client credentials and the device flow', () => {
  let server: TestServer;
  let alice: { username: string; password: string; basic: string };

  beforeAll(async () => {
    server = await startTestServer({ OAUTH_DEVICE_CODE_TTL: String(DEVICE_CODE_TTL) });
    alice = await server.createUser('alice');
  });
  afterAll(() => server?.close());

  describe('client credentials', () => {
    it('issues an app token with exactly the requested registry scopes', async () => {
      const app = await registerApp(server.url, alice.basic, machineApp('Service', { introspection: true }));
      const rp = await relyingParty(server.url, app);
      const tokens = await oidc.clientCredentialsGrant(rp, { scope: 'project notification' });
      expect(tokens.refresh_token).toBeUndefined();
      expect(tokens.scope?.split(' ').sort()).toEqual(['notification', 'project']);
      const info = await oidc.tokenIntrospection(rp, tokens.access_token);
      expect(info).toMatchObject({ active: true, client_id: app.client_id });
      expect(String(info.scope).split(' ').sort()).toEqual(['notification', 'project']);
    });

    it('refuses unknown scopes and sign-in scopes', async () => {
      const app = await registerApp(server.url, alice.basic, machineApp('Service 2'));
      const rp = await relyingParty(server.url, app);
      await expect(oidc.clientCredentialsGrant(rp, { scope: 'project nope' })).rejects.toMatchObject({ error: 'invalid_scope' });
      await expect(oidc.clientCredentialsGrant(rp, { scope: 'openid' })).rejects.toMatchObject({ error: 'invalid_scope' });
    });

    it('is refused to an app not allowed the grant', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Web only' });
      const rp = await relyingParty(server.url, app);
      await expect(oidc.clientCredentialsGrant(rp, { scope: 'project' })).rejects.toMatchObject({ error: 'unauthorized_client' });
    });

    it("says unauthorized_client for any grant the app may not use, and keeps the provider's other invalid_request answers", async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Web only 2' });
      const auth = { Authorization: clientBasic(app.client_id, app.client_secret!) };
      const token = (form: Record<string, string>, headers = auth) => postForm(`${server.url}/token`, form, headers);
      for (const form of [{ grant_type: 'client_credentials', scope: 'project' }, { grant_type: DEVICE_CODE, device_code: 'x'.repeat(43) }] as Record<string, string>[]) {
        expect([form.grant_type, (await token(form)).body.error]).toEqual([form.grant_type, 'unauthorized_client']);
      }
      // Not the app's grant type at fault: the grant type twice, none, or no client at all.
      const raw = async (body: string, headers: Record<string, string> = auth) => {
        const res = await fetch(`${server.url}/token`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body });
        return [res.status, ((await res.json()) as { error: string }).error];
      };
      expect(await raw('grant_type=client_credentials&grant_type=client_credentials')).toEqual([400, 'invalid_request']);
      expect(await raw('')).toEqual([400, 'invalid_request']);
      expect(await raw('grant_type=client_credentials', {})).toEqual([400, 'invalid_request']);
      // An allowed grant with a parameter twice stays the provider's invalid_request.
      const allowed = await registerApp(server.url, alice.basic, { name: 'Service 3', redirect_uris: [], grant_types: ['client_credentials'] });
      const allowedAuth = { Authorization: clientBasic(allowed.client_id, allowed.client_secret!) };
      expect(await raw('grant_type=client_credentials&scope=project&scope=project', allowedAuth)).toEqual([400, 'invalid_request']);
    });
  });

  describe('device authorization grant (RFC 8628)', () => {
    async function cliRelyingParty() {
      return relyingParty(server.url, await registerApp(server.url, alice.basic, deviceApp('CLI', { grant_types: [DEVICE_CODE, 'refresh_token'] })));
    }

    /** The user opens the verification page, signs in, enters the code and approves. */
    async function approve(verificationUri: string, userCode: string, action: 'confirm' | 'abort' = 'confirm') {
      const browser = new WebClient(server.url);
      const input = await browser.follow(verificationUri);
      expect(input.status).toBe(200);
      expect(input.text).toMatch(/<label for="user_code">/);
      expect(input.headers.get('x-frame-options')).toBe('DENY');
      const confirm = await browser.submit(input, { user_code: userCode });
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain(userCode);
      const next = await browser.submit(confirm, action === 'confirm' ? { confirm: 'yes' } : { abort: 'yes' });
      // Not signed in yet: the provider sends the browser through Tessera's login and consent pages.
      return answerSignInAndConsent(browser, next, alice);
    }

    it('lets a CLI get tokens after the user enters the code and approves', async () => {
      const rp = await cliRelyingParty();
      const started = await oidc.initiateDeviceAuthorization(rp, { scope: 'user project' });
      // oidc-provider's default: eight consonants of base-20, as XXXX-XXXX.
      expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      expect(started.verification_uri.startsWith(server.url)).toBe(true);

      // Before approval the CLI is told to keep waiting.
      const pending = await postForm(`${server.url}/token`, { grant_type: DEVICE_CODE, device_code: started.device_code, client_id: rp.clientMetadata().client_id });
      expect(pending.status).toBe(400);
      expect(pending.body.error).toBe('authorization_pending');

      const done = await approve(started.verification_uri, started.user_code);
      expect(done.status).toBe(200);
      expect(done.text).toContain('CLI');

      const tokens = await oidc.pollDeviceAuthorizationGrant(rp, pollNow(started));
      expect(tokens.scope?.split(' ').sort()).toEqual(['project', 'user']);
      expect(tokens.refresh_token).toMatch(OPAQUE);
      const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
      expect(refreshed.access_token).toMatch(OPAQUE);
      expect(refreshed.access_token).not.toBe(tokens.access_token);

      // A device code works once.
      await expect(oidc.pollDeviceAuthorizationGrant(rp, pollNow(started))).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('tells the CLI access_denied when the user aborts', async () => {
      const rp = await cliRelyingParty();
      const started = await oidc.initiateDeviceAuthorization(rp, { scope: 'user' });
      await approve(started.verification_uri, started.user_code, 'abort');
      await expect(oidc.pollDeviceAuthorizationGrant(rp, pollNow(started))).rejects.toMatchObject({ error: 'access_denied' });
    });

    it('shows an error for a wrong user code and lets the user try again', async () => {
      const rp = await cliRelyingParty();
      const started = await oidc.initiateDeviceAuthorization(rp, { scope: 'user' });
      const browser = new WebClient(server.url);
      const input = await browser.follow(started.verification_uri);
      const wrong = await browser.submit(input, { user_code: 'BCDF-GHJK' });
      expect(wrong.status).toBe(200);
      expect(wrong.text).toContain('role="alert"');
      expect(wrong.text).toMatch(/<label for="user_code">/);
    });

    it('answers expired_token once the device code has expired', async () => {
      const rp = await cliRelyingParty();
      const started = await oidc.initiateDeviceAuthorization(rp, { scope: 'user' });
      // Move the provider's clock past the code's lifetime (it reads Date.now()).
      const realNow = Date.now.bind(Date);
      const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + (DEVICE_CODE_TTL + 5) * 1000);
      try {
        const res = await postForm(`${server.url}/token`, { grant_type: DEVICE_CODE, device_code: started.device_code, client_id: rp.clientMetadata().client_id });
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('expired_token');
      } finally {
        spy.mockRestore();
      }
    });

    it('refuses an unknown scope at the device authorization endpoint', async () => {
      const rp = await cliRelyingParty();
      await expect(oidc.initiateDeviceAuthorization(rp, { scope: 'user nope' })).rejects.toMatchObject({ error: 'invalid_scope' });
    });

    it('issues tokens that revocation then kills', async () => {
      const app = await registerApp(server.url, alice.basic, {
        name: 'Confidential CLI',
        redirect_uris: [],
        grant_types: [DEVICE_CODE],
        introspection: true,
      });
      const rp = await relyingParty(server.url, app);
      const started = await oidc.initiateDeviceAuthorization(rp, { scope: 'user' });
      await approve(started.verification_uri, started.user_code);
      const tokens = await oidc.pollDeviceAuthorizationGrant(rp, pollNow(started));
      expect(await isActive(rp, tokens.access_token)).toBe(true);
      await oidc.tokenRevocation(rp, tokens.access_token);
      expect(await isActive(rp, tokens.access_token)).toBe(false);
    });
  });
});
