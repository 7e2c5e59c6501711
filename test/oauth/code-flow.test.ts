import * as oidc from 'openid-client';
import { calculateJwkThumbprint, createRemoteJWKSet, exportJWK, jwtVerify } from 'jose';
import { startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, challenge, codeFlow, isActive, OPAQUE, registerApp, relyingParty, REDIRECT_URI, signInAndConsent } from '../support/oauth.js';
import { formAction, hiddenFields, WebClient } from '../support/web-client.js';

const SIGNED_OUT_URI = 'http://127.0.0.1:9/signed-out';

describe('authorization code + PKCE through the login and consent pages', () => {
  let server: TestServer;
  let alice: { username: string; password: string; basic: string };
  let rp: oidc.Configuration;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    const app = await registerApp(server.url, alice.basic, { name: 'Code app', introspection: true, post_logout_redirect_uris: [SIGNED_OUT_URI] });
    rp = await relyingParty(server.url, app);
  });
  afterAll(() => server?.close());

  it('signs in, consents, and gets tokens whose ID token verifies against the JWKS', async () => {
    const browser = new WebClient(server.url);
    const tokens = await codeFlow(rp, browser, alice, { scope: 'openid profile email offline_access user', prompt: 'consent' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile', 'user']);
    expect(tokens.refresh_token).toMatch(OPAQUE);

    // openid-client already validated the ID token; check it independently with jose as well.
    const claims = tokens.claims()!;
    const jwks = createRemoteJWKSet(new URL(rp.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer: server.url, audience: rp.clientMetadata().client_id });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(claims.sub);

    const info = await oidc.fetchUserInfo(rp, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: claims.sub, preferred_username: 'alice', email: 'alice@example.test' });
  });

  it('lists each requested scope with its description on the consent page, with CSRF and labelled controls', async () => {
    const browser = new WebClient(server.url);
    const request = await authorizationRequest(rp, { scope: 'openid project' });
    const login = await browser.follow(request.url.href);
    expect(login.status).toBe(200);
    expect(login.text).toMatch(/<label for="username">/);
    expect(login.text).toMatch(/<label for="password">/);
    // An HMAC of the interaction (SHA-256, base64url).
    expect(hiddenFields(login.text).csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const consent = await browser.submit(login, { username: alice.username, password: alice.password, action: 'login' });
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('Code app');
    expect(consent.text).toContain(server.container.scopes.get('project')!.description.en);
    expect(consent.text).toContain('>Authorize</button>');
    expect(consent.text).toContain('>Cancel</button>');
    expect(consent.headers.get('x-frame-options')).toBe('DENY');
    expect(consent.headers.get('cache-control')).toBe('no-store');

    // Chinese when the browser asks for it.
    const zh = await new WebClient(server.url, { 'Accept-Language': 'zh-CN' }).follow(request.url.href);
    expect(zh.text).toContain('<html lang="zh-Hans">');
  });

  it('refuses a form post without the CSRF token', async () => {
    const browser = new WebClient(server.url);
    const request = await authorizationRequest(rp, { scope: 'openid' });
    const login = await browser.follow(request.url.href);
    const { csrf_token: _dropped, ...withoutCsrf } = hiddenFields(login.text);
    const action = new URL(formAction(login.text), login.url).href;
    const res = await browser.post(action, { ...withoutCsrf, username: alice.username, password: alice.password, action: 'login' });
    expect(res.status).toBe(403);
    expect(res.location).toBeNull();
  });

  it('shows the login form again, with an alert, after a wrong password', async () => {
    const browser = new WebClient(server.url);
    const request = await authorizationRequest(rp, { scope: 'openid' });
    const login = await browser.follow(request.url.href);
    const again = await browser.submit(login, { username: alice.username, password: 'wrong-password', action: 'login' });
    expect(again.status).toBe(401);
    expect(again.text).toContain('role="alert"');
    expect(again.text).toContain('name="password"');
  });

  it('throttles password guessing on the sign-in page (429 after 10 failures), even with the right password', async () => {
    const mallory = await server.createUser('mallory');
    const browser = new WebClient(server.url);
    const request = await authorizationRequest(rp, { scope: 'openid' });
    let page = await browser.follow(request.url.href);
    for (let i = 0; i < 10; i++) {
      page = await browser.submit(page, { username: 'mallory', password: `guess-${i}`, action: 'login' });
      expect(page.status).toBe(401);
    }
    const blocked = await browser.submit(page, { username: 'mallory', password: mallory.password, action: 'login' });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('role="alert"');
    expect(blocked.text).toContain('name="password"');
  });

  it('sends access_denied back to the app when the user cancels', async () => {
    const browser = new WebClient(server.url);
    // prompt=consent: earlier tests granted these scopes to this app, which would skip the question.
    const request = await authorizationRequest(rp, { scope: 'openid user', prompt: 'consent' });
    const login = await browser.follow(request.url.href);
    const consent = await browser.submit(login, { username: alice.username, password: alice.password, action: 'login' });
    const cancelled = await browser.submit(consent, { action: 'abort' });
    const callback = new URL(cancelled.location!);
    expect(callback.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(request.state);
  });

  it('skips consent when the scopes were granted before, and asks again for new ones', async () => {
    const browser = new WebClient(server.url);
    await codeFlow(rp, browser, alice, { scope: 'openid user' });
    // Same session, same scopes: straight back to the app.
    const again = await authorizationRequest(rp, { scope: 'openid user' });
    const first = await browser.follow(again.url.href);
    expect(first.location?.startsWith(REDIRECT_URI)).toBe(true);
    // A new scope needs consent again.
    const more = await authorizationRequest(rp, { scope: 'openid user notification' });
    const page = await browser.follow(more.url.href);
    expect(page.status).toBe(200);
    expect(page.text).toContain(server.container.scopes.get('notification')!.description.en);
  });

  it('rotates refresh tokens, and reusing a rotated one revokes the whole grant', async () => {
    const tokens = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid offline_access user', prompt: 'consent' });
    const first = tokens.refresh_token!;
    const rotated = await oidc.refreshTokenGrant(rp, first);
    expect(rotated.refresh_token).toMatch(OPAQUE);
    expect(rotated.refresh_token).not.toBe(first);
    expect(rotated.scope?.split(' ').sort()).toEqual(['offline_access', 'openid', 'user']);
    expect(await isActive(rp, rotated.access_token)).toBe(true);

    // Replay of the rotated token: refused, and everything under the grant dies with it.
    await expect(oidc.refreshTokenGrant(rp, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(rp, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await isActive(rp, rotated.access_token)).toBe(false);
    expect(await isActive(rp, tokens.access_token)).toBe(false);
  });

  it('revokes access and refresh tokens (RFC 7009)', async () => {
    const tokens = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid offline_access', prompt: 'consent' });
    expect(await isActive(rp, tokens.access_token)).toBe(true);
    await oidc.tokenRevocation(rp, tokens.access_token, { token_type_hint: 'access_token' });
    expect(await isActive(rp, tokens.access_token)).toBe(false);
    await expect(oidc.fetchUserInfo(rp, tokens.access_token, oidc.skipSubjectCheck)).rejects.toMatchObject(challenge('invalid_token'));

    await oidc.tokenRevocation(rp, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Revoking an unknown token is not an error (RFC 7009 §2.2).
    await oidc.tokenRevocation(rp, 'not-a-token');
  });

  it('does not let another app revoke this app’s tokens', async () => {
    const tokens = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid' });
    const other = await relyingParty(server.url, await registerApp(server.url, alice.basic, { name: 'Other app' }));
    await expect(oidc.tokenRevocation(other, tokens.access_token)).rejects.toMatchObject({ error: 'invalid_request' });
    expect(await isActive(rp, tokens.access_token)).toBe(true);
  });

  it('issues refresh tokens to OpenID requests only for offline_access with prompt=consent (OIDC Core §11)', async () => {
    expect((await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid' })).refresh_token).toBeUndefined();
    expect((await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid offline_access' })).refresh_token).toBeUndefined();
    // Plain OAuth requests (no openid) get one whenever the app may use the grant, as on GitHub.
    expect((await codeFlow(rp, new WebClient(server.url), alice, { scope: 'user' })).refresh_token).toMatch(OPAQUE);
  });

  it('binds tokens to a DPoP key when the app sends proofs (RFC 9449)', async () => {
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const DPoP = oidc.getDPoPHandle(rp, keyPair);
    const request = await authorizationRequest(rp, { scope: 'openid profile' });
    const callback = await signInAndConsent(new WebClient(server.url), request.url, alice);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state }, undefined, { DPoP });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const info = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub, { DPoP });
    expect(info.preferred_username).toBe('alice');
    // Without the proof the bound token is useless.
    const res = await fetch(`${server.url}/me`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(res.status).toBe(401);
    // Introspection names the key, so a resource server can ask for a proof by it (RFC 9449 §6.2).
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    const introspected = await oidc.tokenIntrospection(rp, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, token_type: 'DPoP' });
    expect(introspected.cnf).toEqual({ jkt });
  });

  it('accepts pushed authorization requests (PAR), and checks their scopes', async () => {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const params = { redirect_uri: REDIRECT_URI, scope: 'openid user', code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256', state: 'par-state' };
    const url = await oidc.buildAuthorizationUrlWithPAR(rp, params);
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const callback = await signInAndConsent(new WebClient(server.url), url, alice);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: codeVerifier, expectedState: 'par-state' });
    expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'user']);
    await expect(oidc.buildAuthorizationUrlWithPAR(rp, { ...params, scope: 'openid nope' })).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it('signs the user out through Tessera’s sign-out pages (RP-initiated logout)', async () => {
    const browser = new WebClient(server.url);
    await codeFlow(rp, browser, alice, { scope: 'openid' });
    const question = await browser.follow(`${server.url}/session/end`);
    expect(question.status).toBe(200);
    expect(question.text).toContain('<html lang="en">');
    expect(question.text).toMatch(/<button type="submit" form="op.logoutForm" name="logout" value="yes"/);
    const done = await browser.submit(question, { logout: 'yes' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('You are signed out.');
    // The next authorization asks for the password again.
    const next = await authorizationRequest(rp, { scope: 'openid' });
    expect((await browser.follow(next.url.href)).text).toContain('name="password"');
  });

  it('RP-initiated logout returns the browser to the app’s registered post_logout_redirect_uri, with its state', async () => {
    const browser = new WebClient(server.url);
    const tokens = await codeFlow(rp, browser, alice, { scope: 'openid' });
    const endSession = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: SIGNED_OUT_URI, state: 'bye-123' });
    const question = await browser.follow(endSession.href);
    expect(question.status).toBe(200);
    expect(question.text).toMatch(/<button type="submit" form="op.logoutForm" name="logout" value="yes"/);
    const back = await browser.submit(question, { logout: 'yes' });
    expect(back.location).toBe(`${SIGNED_OUT_URI}?state=bye-123`);
    // Signed out: the next authorization asks for the password again.
    const next = await authorizationRequest(rp, { scope: 'openid' });
    expect((await browser.follow(next.url.href)).text).toContain('name="password"');

    // A URI the app did not register is an error page, never a redirect.
    const again = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid' });
    const elsewhere = oidc.buildEndSessionUrl(rp, { id_token_hint: again.id_token!, post_logout_redirect_uri: 'https://elsewhere.example/', state: 'x' });
    const refused = await new WebClient(server.url).get(elsewhere.href);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeNull();
    expect(refused.text).toContain('post_logout_redirect_uri not registered');
  });

  it('works for a public client with PKCE and no secret', async () => {
    const app = await registerApp(server.url, alice.basic, { name: 'SPA', type: 'public' });
    expect(app.client_secret).toBeNull();
    const spa = await relyingParty(server.url, app);
    const browser = new WebClient(server.url);
    const request = await authorizationRequest(spa, { scope: 'openid user' });
    const callback = await signInAndConsent(browser, request.url, alice);
    const tokens = await oidc.authorizationCodeGrant(spa, callback, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });
    expect(tokens.access_token).toMatch(OPAQUE);
    expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'user']);
  });
});
