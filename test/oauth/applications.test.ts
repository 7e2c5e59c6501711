import { REVOKED } from '../../src/revocation/revocation-cache.js';
import { oauthTokenRevocationKey } from '../../src/revocation/revocation-keys.js';
import * as oidc from 'openid-client';
import { api, startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, challenge, codeFlow, DEVICE_CODE, isActive, machineApp, OPAQUE, registerApp, relyingParty, REDIRECT_URI, seedUserGrant } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

describe('OAuth apps and authorized apps API', () => {
  let server: TestServer;
  let alice: { username: string; password: string; basic: string };
  let bob: { username: string; password: string; basic: string };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    bob = await server.createUser('bob');
  });
  afterAll(() => server?.close());

  describe('/api/v1/user/applications', () => {
    it('registers an app and shows the secret once', async () => {
      const created = await api(server.url, 'POST', '/api/v1/user/applications', {
        auth: alice.basic,
        body: { name: 'My app', homepage_url: 'https://app.example', redirect_uris: [REDIRECT_URI, 'https://app.example/cb'] },
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect(created.headers.get('location')).toBe(`/api/v1/user/applications/${created.body.id}`);
      expect(created.body).toMatchObject({
        name: 'My app',
        homepage_url: 'https://app.example',
        redirect_uris: [REDIRECT_URI, 'https://app.example/cb'],
        type: 'confidential',
        grant_types: ['authorization_code', 'refresh_token'],
        introspection: false,
      });
      expect(created.body.client_id).toMatch(/^[0-9a-f]{32}$/);
      expect(created.body.client_secret).toMatch(/^tcs_/);
      expect(created.body.client_secret_last_four).toBe(created.body.client_secret.slice(-4));

      const fetched = await api(server.url, 'GET', `/api/v1/user/applications/${created.body.id}`, { auth: alice.basic });
      expect(fetched.status).toBe(200);
      expect(fetched.body.client_secret).toBeUndefined();
      expect(JSON.stringify(fetched.body)).not.toContain(created.body.client_secret);
      const list = await api(server.url, 'GET', '/api/v1/user/applications', { auth: alice.basic });
      expect(list.body.map((a: { id: number }) => a.id)).toContain(created.body.id);
    });

    it('updates an app, and the provider sees the change at once', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Before' });
      const patched = await api(server.url, 'PATCH', `/api/v1/user/applications/${app.id}`, {
        auth: alice.basic,
        body: { name: 'After', redirect_uris: ['http://localhost:8080/cb'] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'After', redirect_uris: ['http://localhost:8080/cb'] });
      // The old redirect URI is no longer accepted.
      const res = await new WebClient(server.url).request(
        'GET',
        `${server.url}/auth?${new URLSearchParams({ client_id: app.client_id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`,
      );
      expect(res.status).toBe(400);
      expect(res.text).toContain('invalid_redirect_uri');
    });

    it('registers, shows and changes post_logout_redirect_uris, checked like redirect URIs', async () => {
      const created = await registerApp(server.url, alice.basic, { name: 'Logout app', post_logout_redirect_uris: ['https://app.example/bye', 'http://127.0.0.1:9/bye'] });
      expect(created.post_logout_redirect_uris).toEqual(['https://app.example/bye', 'http://127.0.0.1:9/bye']);
      expect((await api(server.url, 'GET', `/api/v1/user/applications/${created.id}`, { auth: alice.basic })).body.post_logout_redirect_uris).toEqual([
        'https://app.example/bye',
        'http://127.0.0.1:9/bye',
      ]);
      const patched = await api(server.url, 'PATCH', `/api/v1/user/applications/${created.id}`, { auth: alice.basic, body: { post_logout_redirect_uris: ['https://app.example/signed-out'] } });
      expect(patched.body.post_logout_redirect_uris).toEqual(['https://app.example/signed-out']);
      // Apps registered without any have none.
      expect((await registerApp(server.url, alice.basic)).post_logout_redirect_uris).toEqual([]);

      const refused: [unknown, string][] = [
        [['http://app.example/bye'], 'post_logout_redirect_uris: http://app.example/bye must use https (http is allowed only for localhost and 127.0.0.1)'],
        [['https://app.example/bye#x'], 'post_logout_redirect_uris: https://app.example/bye#x must not contain a fragment'],
        [['https://user:pw@app.example/bye'], 'post_logout_redirect_uris: https://user:pw@app.example/bye must not contain credentials'],
        [['not a url'], 'post_logout_redirect_uris: not a url is not a valid URL'],
        [Array.from({ length: 11 }, (_, i) => `https://app.example/${i}`), 'post_logout_redirect_uris: at most 10 entries'],
        ['https://app.example/bye', 'post_logout_redirect_uris: must be a list'],
      ];
      for (const [uris, description] of refused) {
        const res = await api(server.url, 'POST', '/api/v1/user/applications', { auth: alice.basic, body: { name: 'x', redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: uris } });
        expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
        const patch = await api(server.url, 'PATCH', `/api/v1/user/applications/${created.id}`, { auth: alice.basic, body: { post_logout_redirect_uris: uris } });
        expect(patch.body).toEqual({ error: 'invalid_request', error_description: description });
      }
    });

    it('validates input', async () => {
      const bad = [
        {},
        { name: '' },
        { name: 'x', redirect_uris: ['not a url'] },
        { name: 'x', redirect_uris: ['http://example.com/cb'] },
        { name: 'x', redirect_uris: ['https://example.com/cb#frag'] },
        { name: 'x', redirect_uris: [] },
        { name: 'x', type: 'public', redirect_uris: [], grant_types: ['client_credentials'] },
        { name: 'x', redirect_uris: [REDIRECT_URI], grant_types: ['implicit'] },
        { name: 'x', redirect_uris: [REDIRECT_URI], scopes: ['nope'] },
        { name: 'x', redirect_uris: [REDIRECT_URI], unknown: 1 },
      ];
      for (const body of bad) {
        const res = await api(server.url, 'POST', '/api/v1/user/applications', { auth: alice.basic, body });
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(typeof res.body.error).toBe('string');
      }
      const malformed = await api(server.url, 'POST', '/api/v1/user/applications', { auth: alice.basic, rawBody: '{nope' });
      expect(malformed.status).toBe(400);
      for (const bad of ['abc', '0', '2147483648', '1e3']) {
        const id = await api(server.url, 'GET', `/api/v1/user/applications/${bad}`, { auth: alice.basic });
        expect([bad, id.status]).toEqual([bad, 404]);
      }
    });

    it('needs the user’s password: no credentials or a wrong one get 401', async () => {
      expect((await api(server.url, 'GET', '/api/v1/user/applications')).status).toBe(401);
      const wrong = await api(server.url, 'GET', '/api/v1/user/applications', { auth: `Basic ${Buffer.from('alice:nope').toString('base64')}` });
      expect(wrong.status).toBe(401);
    });

    it('cannot be managed with an OAuth access token', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Token holder' });
      const tokens = await codeFlow(await relyingParty(server.url, app), new WebClient(server.url), alice, { scope: 'openid user' });
      const res = await api(server.url, 'GET', '/api/v1/user/applications', { auth: `Bearer ${tokens.access_token}` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    });

    it('limits an app registered with scopes to those scopes', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Narrow', scopes: ['openid', 'user'] });
      const rp = await relyingParty(server.url, app);
      expect((await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid user' })).scope?.split(' ').sort()).toEqual(['openid', 'user']);
      const res = await new WebClient(server.url).get((await authorizationRequest(rp, { scope: 'openid project' })).url.href);
      expect(new URL(res.location!).searchParams.get('error')).toBe('invalid_scope');
    });

    it('hides another user’s apps exactly like missing ones', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Private' });
      for (const [method, path] of [
        ['GET', `/api/v1/user/applications/${app.id}`],
        ['PATCH', `/api/v1/user/applications/${app.id}`],
        ['POST', `/api/v1/user/applications/${app.id}/secret`],
        ['DELETE', `/api/v1/user/applications/${app.id}`],
      ] as const) {
        const theirs = await api(server.url, method, path, { auth: bob.basic, body: method === 'PATCH' ? { name: 'x' } : undefined });
        const missing = await api(server.url, method, path.replace(String(app.id), '999999'), { auth: bob.basic, body: method === 'PATCH' ? { name: 'x' } : undefined });
        expect(theirs.status).toBe(404);
        expect(theirs.body).toEqual(missing.body);
      }
      expect((await api(server.url, 'GET', '/api/v1/user/applications', { auth: bob.basic })).body.map((a: { id: number }) => a.id)).not.toContain(app.id);
    });

    it('regenerates the secret: the new one works, the old one fails at once', async () => {
      const app = await registerApp(server.url, alice.basic, machineApp('Rotating'));
      const oldRp = await relyingParty(server.url, app);
      expect((await oidc.clientCredentialsGrant(oldRp, { scope: 'project' })).access_token).toMatch(OPAQUE);
      const regenerated = await api(server.url, 'POST', `/api/v1/user/applications/${app.id}/secret`, { auth: alice.basic });
      expect(regenerated.status).toBe(200);
      expect(regenerated.body.client_secret).toMatch(/^tcs_/);
      expect(regenerated.body.client_secret).not.toBe(app.client_secret);
      await expect(oidc.clientCredentialsGrant(oldRp, { scope: 'project' })).rejects.toMatchObject(challenge('invalid_client'));
      const newRp = await relyingParty(server.url, { ...app, client_secret: regenerated.body.client_secret });
      expect((await oidc.clientCredentialsGrant(newRp, { scope: 'project' })).access_token).toMatch(OPAQUE);
    });

    it('has no secret to regenerate for a public app', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Public', type: 'public', grant_types: ['authorization_code', DEVICE_CODE] });
      const res = await api(server.url, 'POST', `/api/v1/user/applications/${app.id}/secret`, { auth: alice.basic });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('deleting an app revokes every token issued to it', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Doomed', introspection: true });
      const rp = await relyingParty(server.url, app);
      const tokens = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid user offline_access', prompt: 'consent' });
      // A second app keeps introspecting after the first is gone.
      const watcher = await registerApp(server.url, alice.basic, machineApp('Watcher', { introspection: true }));
      const watcherRp = await relyingParty(server.url, watcher);
      expect(await isActive(watcherRp, tokens.access_token)).toBe(true);
      expect(await isActive(watcherRp, tokens.refresh_token!)).toBe(true);

      const deleted = await api(server.url, 'DELETE', `/api/v1/user/applications/${app.id}`, { auth: alice.basic });
      expect(deleted.status).toBe(204);
      expect(await isActive(watcherRp, tokens.access_token)).toBe(false);
      expect(await isActive(watcherRp, tokens.refresh_token!)).toBe(false);
      await expect(oidc.fetchUserInfo(rp, tokens.access_token, oidc.skipSubjectCheck)).rejects.toMatchObject(challenge('invalid_token'));
      expect((await api(server.url, 'GET', `/api/v1/user/applications/${app.id}`, { auth: alice.basic })).status).toBe(404);
      expect((await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: alice.basic })).body.map((a: { application: { client_id: string } }) => a.application.client_id)).not.toContain(app.client_id);
    });
  });

  describe('/api/v1/user/authorizations', () => {
    it('lists the apps a user authorized, with scopes and dates, and only theirs', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Listed', homepage_url: 'https://listed.example' });
      const rp = await relyingParty(server.url, app);
      await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid user project' });
      const list = await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: alice.basic });
      expect(list.status).toBe(200);
      const entry = list.body.find((a: { application: { client_id: string } }) => a.application.client_id === app.client_id);
      expect(entry).toMatchObject({ application: { name: 'Listed', homepage_url: 'https://listed.example' } });
      expect([...entry.scopes].sort()).toEqual(['openid', 'project', 'user']);
      expect(Date.parse(entry.created_at)).not.toBeNaN();
      expect(Date.parse(entry.last_used_at)).not.toBeNaN();

      const bobs = await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: bob.basic });
      expect(bobs.body).toEqual([]);
      expect((await api(server.url, 'DELETE', `/api/v1/user/authorizations/${entry.id}`, { auth: bob.basic })).status).toBe(404);
    });

    it('revoking an authorization kills every token of the grant at once', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Revoked', introspection: true });
      const rp = await relyingParty(server.url, app);
      const browser = new WebClient(server.url);
      const first = await codeFlow(rp, browser, alice, { scope: 'openid user offline_access', prompt: 'consent' });
      const second = await oidc.refreshTokenGrant(rp, first.refresh_token!);
      expect(await isActive(rp, first.access_token)).toBe(true);
      expect(await isActive(rp, second.access_token)).toBe(true);

      const list = await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: alice.basic });
      const entry = list.body.find((a: { application: { client_id: string } }) => a.application.client_id === app.client_id);
      const revoked = await api(server.url, 'DELETE', `/api/v1/user/authorizations/${entry.id}`, { auth: alice.basic });
      expect(revoked.status).toBe(204);

      expect(await isActive(rp, first.access_token)).toBe(false);
      expect(await isActive(rp, second.access_token)).toBe(false);
      await expect(oidc.refreshTokenGrant(rp, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      const after = await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: alice.basic });
      expect(after.body.map((a: { id: string }) => a.id)).not.toContain(entry.id);
      // A second delete finds nothing.
      expect((await api(server.url, 'DELETE', `/api/v1/user/authorizations/${entry.id}`, { auth: alice.basic })).status).toBe(404);

      // The next authorization asks for consent again.
      const again = await browser.follow((await authorizationRequest(rp, { scope: 'openid user' })).url.href);
      expect(again.text).toContain('value="confirm"');
    });

    it('one app shows once, with its current scopes, however many times and in whichever browser the user consented', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Twice', introspection: true });
      const rp = await relyingParty(server.url, app);
      const first = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid user' });
      const second = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid project', prompt: 'consent' });

      // A third browser: the user signs in, and what the app asks for was granted before, so no consent page.
      const browser = new WebClient(server.url);
      const request = await authorizationRequest(rp, { scope: 'openid user' });
      const login = await browser.follow(request.url.href);
      const back = await browser.submit(login, { username: alice.username, password: alice.password, action: 'login' });
      expect(back.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
      const third = await oidc.authorizationCodeGrant(rp, new URL(back.location!), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });

      const list = await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: alice.basic });
      const entries = list.body.filter((a: { application: { client_id: string } }) => a.application.client_id === app.client_id);
      expect(entries).toHaveLength(1);
      expect([...entries[0].scopes].sort()).toEqual(['openid', 'project', 'user']);

      // Revoking it ends every token the app holds for the user.
      expect((await api(server.url, 'DELETE', `/api/v1/user/authorizations/${entries[0].id}`, { auth: alice.basic })).status).toBe(204);
      for (const tokens of [first, second, third]) expect(await isActive(rp, tokens.access_token)).toBe(false);
      const after = (await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: alice.basic })).body;
      expect(after.map((a: { application: { client_id: string } }) => a.application.client_id)).not.toContain(app.client_id);
    });

    it('several grants of one app (older data, consents at the same moment) show as one entry, revoked together by any of their ids', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Duplicated', grant_types: ['authorization_code', 'refresh_token'] });
      const carolUser = await server.createUser('carol-dup');
      const carol = await server.container.users.getByUsername(carolUser.username);
      const older = await seedUserGrant(server, app.client_id, carol.id, 'openid user');
      await new Promise((r) => setTimeout(r, 20));
      const newer = await seedUserGrant(server, app.client_id, carol.id, 'openid project');
      const list = (await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: carolUser.basic })).body;
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ id: newer.grantId, application: { client_id: app.client_id, name: 'Duplicated' } });
      expect([...list[0].scopes].sort()).toEqual(['openid', 'project', 'user']);

      expect((await api(server.url, 'DELETE', `/api/v1/user/authorizations/${older.grantId}`, { auth: carolUser.basic })).status).toBe(204);
      for (const grant of [older, newer]) {
        expect(await server.container.introspector.introspect(grant.accessToken)).toBeNull();
        expect(await server.container.introspector.introspect(grant.refreshToken)).toBeNull();
      }
      expect((await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: carolUser.basic })).body).toEqual([]);
    });

    it('marks every revoked token in the shared revocation cache, under the digest of the token (never the token)', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'Hooked' });
      const rp = await relyingParty(server.url, app);
      const tokens = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid user offline_access', prompt: 'consent' });
      const list = await api(server.url, 'GET', '/api/v1/user/authorizations', { auth: alice.basic });
      const entry = list.body.find((a: { application: { client_id: string } }) => a.application.client_id === app.client_id);
      expect((await api(server.url, 'DELETE', `/api/v1/user/authorizations/${entry.id}`, { auth: alice.basic })).status).toBe(204);
      // Once the revoke has returned, every instance's cache already sees the markers.
      const keys = server.container.artifactKeys;
      const marked = await server.container.revocationCache.states([
        oauthTokenRevocationKey(keys.of('AccessToken', tokens.access_token)),
        oauthTokenRevocationKey(keys.of('RefreshToken', tokens.refresh_token!)),
      ]);
      expect(marked).toEqual([REVOKED, REVOKED]);
    });

    it('stores no usable token: rows are named by a keyed digest and hold no token string', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'At rest' });
      const rp = await relyingParty(server.url, app);
      const tokens = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'openid user offline_access', prompt: 'consent' });
      const rows: { id: string; payload: string }[] = await server.container.dataSource.query('SELECT id, payload FROM oidc_payloads');
      const dump = JSON.stringify(rows);
      expect(dump).not.toContain(tokens.access_token);
      expect(dump).not.toContain(tokens.refresh_token!);
      expect(rows.map((r) => r.id)).toContain(server.container.artifactKeys.of('AccessToken', tokens.access_token));
    });

    it('an id that cannot exist is a missing authorization (404)', async () => {
      const res = await api(server.url, 'DELETE', '/api/v1/user/authorizations/bad%20id!', { auth: alice.basic });
      expect(res.status).toBe(404);
    });
  });
});
