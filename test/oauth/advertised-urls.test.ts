import * as oidc from 'openid-client';
import { startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, deviceApp, OPAQUE, REDIRECT_URI, registerApp, relyingParty } from '../support/oauth.js';
import { formAction, hiddenFields, WebClient, type WebResponse } from '../support/web-client.js';

/**
 * Every URL Tessera advertises or redirects to derives from ISSUER: a client that writes
 * `Host: evil.example.com`, an `X-Forwarded-Host`/`X-Forwarded-Proto`, or an absolute request
 * target cannot make discovery, the device flow, the provider's forms or any redirect point
 * elsewhere (cache poisoning, phishing links in a device's `verification_uri`).
 */
const EVIL = 'evil.example.com';

const attacks: { name: string; headers: Record<string, string>; absolute?: boolean }[] = [
  { name: 'Host', headers: { Host: EVIL } },
  { name: 'X-Forwarded-Host and X-Forwarded-Proto', headers: { Host: EVIL, 'X-Forwarded-Host': `forwarded.${EVIL}`, 'X-Forwarded-Proto': 'https' } },
  { name: 'an absolute request target', headers: { Host: EVIL }, absolute: true },
];

describe.each([
  ['without TRUST_PROXY', 'false'],
  ['with TRUST_PROXY', 'true'],
])('advertised URLs %s', (_label, trustProxy) => {
  let server: TestServer;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  let webRp: oidc.Configuration;
  let cliApp: { client_id: string };

  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: trustProxy });
    alice = await server.createUser('alice');
    webRp = await relyingParty(server.url, await registerApp(server.url, alice.basic, { name: 'Web' }));
    cliApp = await registerApp(server.url, alice.basic, deviceApp('CLI'));
  });
  afterAll(() => server?.close());

  /** A client sending the attack's headers (and target form) on every request. */
  function attacker(attack: (typeof attacks)[number]) {
    const client = new WebClient(server.url, attack.headers, 'node:http');
    const target = (path: string) => (attack.absolute ? `http://${EVIL}${path}` : path);
    return {
      get: (path: string) => client.get(target(path)),
      post: (path: string, form: Record<string, string>) => client.post(target(path), form),
    };
  }

  /** Nothing in the answer names the attacker's host; every absolute URL in it is the issuer's. */
  function expectIssuerUrlsOnly(res: WebResponse): void {
    expect(res.text).not.toContain(EVIL);
    expect(res.location ?? '').not.toContain(EVIL);
    for (const url of res.text.match(/https?:\/\/[^"'\s<>]+/g) ?? []) {
      if (url.startsWith(REDIRECT_URI)) continue;
      expect(url === server.url || url.startsWith(`${server.url}/`)).toBe(true);
    }
    if (res.location && /^https?:/.test(res.location) && !res.location.startsWith(REDIRECT_URI)) {
      expect(res.location.startsWith(`${server.url}/`)).toBe(true);
    }
  }

  describe.each(attacks)('through $name', (attack) => {
    it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])('%s lists the issuer’s URLs only', async (path) => {
      const res = await attacker(attack).get(path);
      expect(res.status).toBe(200);
      const meta = JSON.parse(res.text) as Record<string, unknown>;
      expect(meta.issuer).toBe(server.url);
      const urls = Object.entries(meta).filter(([, v]) => typeof v === 'string' && /^https?:/.test(v));
      expect(urls.length).toBeGreaterThanOrEqual(8);
      for (const [name, url] of urls) expect([name, (url as string).startsWith(server.url)]).toEqual([name, true]);
      expectIssuerUrlsOnly(res);
    });

    it('the device authorization response and the pages it sends a person to', async () => {
      const client = attacker(attack);
      const started = await client.post('/device/auth', { client_id: cliApp.client_id, scope: 'user' });
      expect(started.status).toBe(200);
      const body = JSON.parse(started.text) as { verification_uri: string; verification_uri_complete: string; user_code: string };
      expect(body.verification_uri).toBe(`${server.url}/device`);
      expect(body.verification_uri_complete.startsWith(`${server.url}/device?user_code=`)).toBe(true);

      const input = await client.get('/device');
      expect(input.status).toBe(200);
      expect(formAction(input.text)).toBe(`${server.url}/device`);
      expectIssuerUrlsOnly(input);

      // The auto-submitting form of verification_uri_complete, and the confirmation page.
      const complete = await client.get(`/device?user_code=${encodeURIComponent(body.user_code)}`);
      expect(formAction(complete.text)).toBe(`${server.url}/device`);
      expectIssuerUrlsOnly(complete);
      const confirm = await client.post('/device', hiddenFields(complete.text));
      expect(confirm.status).toBe(200);
      expect(formAction(confirm.text)).toBe(`${server.url}/device`);
      expectIssuerUrlsOnly(confirm);
    });

    it('the sign-out form posts to the issuer', async () => {
      const res = await attacker(attack).get('/session/end');
      expect(res.status).toBe(200);
      expect(formAction(res.text)).toBe(`${server.url}/session/end/confirm`);
      expectIssuerUrlsOnly(res);
    });

    it('every redirect of a sign-in and consent stays on the issuer, up to the app’s callback', async () => {
      const client = attacker(attack);
      const { url } = await authorizationRequest(webRp, { scope: 'openid user' });
      let res = await client.get(url.pathname + url.search);
      const seen: WebResponse[] = [res];
      for (let hops = 0; res.status === 303 || res.status === 302 || res.status === 200; hops++) {
        if (hops > 12) throw new Error('too many steps');
        if (res.status === 200 && res.text.includes('name="password"')) {
          res = await client.post(formAction(res.text), { ...hiddenFields(res.text), username: alice.username, password: alice.password, action: 'login' });
        } else if (res.status === 200 && res.text.includes('value="confirm"')) {
          res = await client.post(formAction(res.text), { ...hiddenFields(res.text), action: 'confirm' });
        } else if (res.location && !res.location.startsWith(REDIRECT_URI)) {
          res = await client.get(new URL(res.location, server.url).pathname + new URL(res.location, server.url).search);
        } else {
          break;
        }
        seen.push(res);
      }
      expect(res.location?.startsWith(`${REDIRECT_URI}?`)).toBe(true);
      const callback = new URL(res.location!);
      expect(callback.searchParams.get('code')).toMatch(OPAQUE);
      expect(callback.searchParams.get('iss')).toBe(server.url);
      // The provider's own resume URLs (absolute) were among the redirects.
      expect(seen.some((r) => r.location?.startsWith(`${server.url}/auth/`))).toBe(true);
      for (const r of seen) expectIssuerUrlsOnly(r);
    });

    it('Tessera’s own pages redirect to local paths', async () => {
      const res = await attacker(attack).get('/settings/tokens');
      expect(res.status).toBe(303);
      expect(res.location).toBe('/login?next=%2Fsettings%2Ftokens');
    });
  });
});
