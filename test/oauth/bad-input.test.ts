import * as oidc from 'openid-client';
import { startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, challenge, clientBasic, postForm, registerApp, relyingParty, REDIRECT_URI, signInAndConsent, type ConfidentialApp } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

/** Each bad request gets the standard RFC 6749 answer, never a 500. */
describe('OAuth bad input', () => {
  let server: TestServer;
  let alice: { username: string; password: string; basic: string };
  let app: ConfidentialApp;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    app = await registerApp(server.url, alice.basic, { name: 'Strict app' });
    rp = await relyingParty(server.url, app);
  });
  afterAll(() => server?.close());

  const authorize = (params: Record<string, string>) => new WebClient(server.url).get(`/auth?${new URLSearchParams(params)}`);

  /** A code for `app`, with its verifier. */
  async function freshCode(): Promise<{ code: string; verifier: string; callback: URL; state: string }> {
    const request = await authorizationRequest(rp, { scope: 'openid user' });
    const callback = await signInAndConsent(new WebClient(server.url), request.url, alice);
    return { code: callback.searchParams.get('code')!, verifier: request.codeVerifier, callback, state: request.state };
  }

  const exchange = (code: string, verifier: string, auth = app.basic) =>
    postForm(`${server.url}/token`, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI }, { Authorization: auth });

  it('shows an error page (no redirect) for a redirect URI that is not registered exactly', async () => {
    for (const redirect of ['http://127.0.0.1:9/callback/other', 'http://127.0.0.1:9/callback?x=1', 'https://evil.example/callback']) {
      const res = await authorize({ client_id: app.client_id, response_type: 'code', scope: 'openid', redirect_uri: redirect, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
      expect(res.text).toContain('invalid_redirect_uri');
      expect(res.text).toContain('<html lang="en">');
    }
  });

  it('shows an error page for an unknown client', async () => {
    const res = await authorize({ client_id: 'no-such-client', response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI });
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    expect(res.text).toContain('invalid_client');
  });

  it('sends invalid_request back to the app when PKCE is missing, also for a public client', async () => {
    const spa = await registerApp(server.url, alice.basic, { name: 'SPA', type: 'public' });
    for (const clientId of [spa.client_id, app.client_id]) {
      const res = await authorize({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, state: 'xyz' });
      expect(res.status).toBe(303);
      const back = new URL(res.location!);
      expect(back.href.startsWith(REDIRECT_URI)).toBe(true);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
      expect(back.searchParams.get('state')).toBe('xyz');
    }
  });

  it('refuses the plain PKCE method', async () => {
    const res = await authorize({ client_id: app.client_id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
    expect(new URL(res.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('sends invalid_scope back to the app for a scope outside the registry', async () => {
    const request = await authorizationRequest(rp, { scope: 'openid user no-such-scope' });
    const res = await new WebClient(server.url).get(request.url.href);
    const back = new URL(res.location!);
    expect(back.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(back.searchParams.get('error')).toBe('invalid_scope');
    expect(back.searchParams.get('error_description')).toContain('no-such-scope');
  });

  it('refuses implicit and hybrid response types', async () => {
    for (const responseType of ['token', 'id_token', 'code id_token']) {
      const res = await authorize({ client_id: app.client_id, response_type: responseType, scope: 'openid', redirect_uri: REDIRECT_URI, nonce: 'n', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
      // Back to the app, in the fragment as these response types would have it.
      expect([responseType, res.status]).toEqual([responseType, 303]);
      const back = new URL(res.location!.replace('#', '?'));
      expect(back.origin + back.pathname).toBe(REDIRECT_URI);
      expect(back.searchParams.get('error')).toBe('unsupported_response_type');
      expect(back.searchParams.get('iss')).toBe(server.url);
    }
  });

  it('answers invalid_grant for a bad code_verifier', async () => {
    const { code } = await freshCode();
    const res = await exchange(code, oidc.randomPKCECodeVerifier());
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('answers invalid_grant for a reused code, and revokes what the code issued', async () => {
    const { code, verifier } = await freshCode();
    const first = await exchange(code, verifier);
    expect(first.status).toBe(200);
    const again = await exchange(code, verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    // RFC 6749 §4.1.2: tokens issued from a code used twice should be revoked.
    await expect(oidc.fetchUserInfo(rp, first.body.access_token, oidc.skipSubjectCheck)).rejects.toMatchObject(challenge('invalid_token'));
  });

  it('answers invalid_grant when the redirect_uri differs from the authorization request', async () => {
    const { code, verifier } = await freshCode();
    const res = await postForm(
      `${server.url}/token`,
      { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:9/other' },
      { Authorization: app.basic },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('answers 401 invalid_client for a wrong secret or an unknown client', async () => {
    const { code, verifier } = await freshCode();
    for (const auth of [clientBasic(app.client_id, 'tcs_wrong'), clientBasic('no-such-client', 'whatever')]) {
      const res = await exchange(code, verifier, auth);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
    const wrong = await relyingParty(server.url, app, 'tcs_wrong');
    await expect(oidc.clientCredentialsGrant(wrong)).rejects.toMatchObject(challenge('invalid_client'));
  });

  it('answers unsupported_grant_type and invalid_request for malformed token requests', async () => {
    const auth = { Authorization: app.basic };
    const unsupported = await postForm(`${server.url}/token`, { grant_type: 'password', username: 'alice', password: 'x' }, auth);
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toBe('unsupported_grant_type');
    const missing = await postForm(`${server.url}/token`, { grant_type: 'authorization_code' }, auth);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
    const garbage = await fetch(`${server.url}/token`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: '{not json' });
    expect(garbage.status).toBe(400);
  });

  it('answers invalid_grant for a garbage refresh token', async () => {
    await expect(oidc.refreshTokenGrant(rp, 'garbage')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 401 invalid_token at userinfo for a bad access token', async () => {
    const res = await fetch(`${server.url}/me`, { headers: { Authorization: 'Bearer garbage' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('renders an error page for an unknown interaction', async () => {
    const res = await new WebClient(server.url).get('/interaction/does-not-exist');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/role="alert"><code>invalid_request<\/code>: interaction session id cookie not found/);
  });
});
