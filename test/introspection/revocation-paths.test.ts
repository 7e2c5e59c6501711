import { api, createPat, startTestServer, type TestServer, type TestEnvironment } from '../support/harness.js';
import { clientBasic, clientCredentialsToken, introspect, machineApp, registerApp, seedUserGrant, type ConfidentialApp } from '../support/oauth.js';

/**
 * Every way a token dies, seen through the introspection endpoint right after the call that
 * killed it returned. Each token is introspected (twice) first, so a stale answer would come
 * from the instance's memory.
 */
describe('introspection after every revocation path', () => {
  let server: TestServer & { environment: TestEnvironment };
  let alice: { username: string; basic: string };
  let aliceId: number;
  let admin: { basic: string };
  let rs: ConfidentialApp;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    aliceId = (await server.container.users.getByUsername('alice')).id;
    admin = await server.createUser('root', { admin: true });
    rs = await registerApp(server.url, admin.basic, machineApp('resource server', { introspection: true }));
  });
  afterAll(() => server.close());

  const active = async (token: string) => (await introspect(server.url, rs.basic, { token })).body.active as boolean;
  async function expectWarm(...tokens: string[]) {
    for (const token of tokens) for (let i = 0; i < 2; i++) expect(await active(token)).toBe(true);
  }
  async function expectInactive(...tokens: string[]) {
    for (const token of tokens) expect((await introspect(server.url, rs.basic, { token })).text).toBe('{"active":false}');
  }
  const newPat = (owner = alice.basic) => createPat(server.url, owner);
  const webApp = (owner = alice.basic) => registerApp(server.url, owner, { name: 'web app', grant_types: ['authorization_code', 'refresh_token'] });

  describe('personal access tokens', () => {
    it('regenerate: the old secret is inactive, the new one active', async () => {
      const pat = await newPat();
      await expectWarm(pat.token);
      const res = await api(server.url, 'POST', `/api/v1/user/tokens/${pat.id}/regenerate`, { auth: alice.basic, body: {} });
      expect(res.status).toBe(200);
      await expectInactive(pat.token);
      expect(await active(res.body.token)).toBe(true);
    });

    it('delete one', async () => {
      const pat = await newPat();
      await expectWarm(pat.token);
      expect((await api(server.url, 'DELETE', `/api/v1/user/tokens/${pat.id}`, { auth: alice.basic })).status).toBe(204);
      await expectInactive(pat.token);
    });

    it('delete all', async () => {
      const bob = await server.createUser('bob');
      const [one, two] = [await newPat(bob.basic), await newPat(bob.basic)];
      await expectWarm(one.token, two.token);
      expect((await api(server.url, 'DELETE', '/api/v1/user/tokens', { auth: bob.basic })).status).toBe(204);
      await expectInactive(one.token, two.token);
    });

    it('an admin revokes an impersonation token', async () => {
      const res = await api(server.url, 'POST', '/api/v1/users/alice/impersonation-tokens', { auth: admin.basic, body: { name: 'support', scopes: ['user'] } });
      expect(res.status).toBe(201);
      await expectWarm(res.body.token);
      expect((await api(server.url, 'DELETE', `/api/v1/users/alice/impersonation-tokens/${res.body.id}`, { auth: admin.basic })).status).toBe(204);
      await expectInactive(res.body.token);
    });
  });

  describe('OAuth tokens', () => {
    it('RFC 7009 revocation of an access token', async () => {
      const app = await webApp();
      const { accessToken, refreshToken } = await seedUserGrant(server, app.client_id, aliceId, 'openid user');
      await expectWarm(accessToken, refreshToken);
      expect((await revokeAtEndpoint(app, accessToken, 'access_token')).status).toBe(200);
      await expectInactive(accessToken);
    });

    it('RFC 7009 revocation of a refresh token (and with it, its grant)', async () => {
      const app = await webApp();
      const { accessToken, refreshToken } = await seedUserGrant(server, app.client_id, aliceId, 'openid offline_access user');
      await expectWarm(accessToken, refreshToken);
      expect((await revokeAtEndpoint(app, refreshToken, 'refresh_token')).status).toBe(200);
      await expectInactive(refreshToken);
    });

    it('RFC 7009 revocation of a client-credentials token', async () => {
      const app = await registerApp(server.url, alice.basic, machineApp('resource server'));
      const token = await clientCredentialsToken(server.url, app, 'project');
      await expectWarm(token);
      expect((await revokeAtEndpoint(app, token, 'access_token')).status).toBe(200);
      await expectInactive(token);
    });

    it('revoking the authorization (DELETE /api/v1/user/authorizations/:id) kills every token under it', async () => {
      const app = await webApp();
      const { grantId, accessToken, refreshToken } = await seedUserGrant(server, app.client_id, aliceId, 'openid offline_access user');
      await expectWarm(accessToken, refreshToken);
      expect((await api(server.url, 'DELETE', `/api/v1/user/authorizations/${grantId}`, { auth: alice.basic })).status).toBe(204);
      await expectInactive(accessToken, refreshToken);
    });

    it('deleting the app kills its user tokens and its client-credentials tokens', async () => {
      const app = await registerApp(server.url, alice.basic, { name: 'web app and worker', grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
      const { accessToken, refreshToken } = await seedUserGrant(server, app.client_id, aliceId, 'openid offline_access user');
      const clientToken = await clientCredentialsToken(server.url, app, 'project');
      await expectWarm(accessToken, refreshToken, clientToken);
      expect((await api(server.url, 'DELETE', `/api/v1/user/applications/${app.id}`, { auth: alice.basic })).status).toBe(204);
      await expectInactive(accessToken, refreshToken, clientToken);
    });
  });

  it("deleting a user kills the user's PATs and OAuth tokens", async () => {
    const carol = await server.createUser('carol');
    const carolId = (await server.container.users.getByUsername('carol')).id;
    const pat = await newPat(carol.basic);
    const app = await webApp();
    const { accessToken, refreshToken } = await seedUserGrant(server, app.client_id, carolId, 'openid offline_access user');
    await expectWarm(pat.token, accessToken, refreshToken);
    expect((await api(server.url, 'DELETE', '/api/v1/users/carol', { auth: admin.basic })).status).toBe(204);
    await expectInactive(pat.token, accessToken, refreshToken);
  });

  describe('the calling app', () => {
    it('regenerating its secret: the old secret is refused at once, the new one works', async () => {
      const caller = await registerApp(server.url, alice.basic, machineApp('resource server', { introspection: true }));
      const pat = await newPat();
      for (let i = 0; i < 2; i++) expect((await introspect(server.url, caller.basic, { token: pat.token })).status).toBe(200);
      const res = await api(server.url, 'POST', `/api/v1/user/applications/${caller.id}/secret`, { auth: alice.basic, body: {} });
      expect(res.status).toBe(200);
      const old = await introspect(server.url, caller.basic, { token: pat.token });
      expect(old.status).toBe(401);
      expect(old.body.error).toBe('invalid_client');
      expect((await introspect(server.url, clientBasic(caller.client_id, res.body.client_secret), { token: pat.token })).body.active).toBe(true);
    });

    it('losing the introspection permission: 403 at once', async () => {
      const caller = await registerApp(server.url, alice.basic, machineApp('resource server', { introspection: true }));
      const pat = await newPat();
      for (let i = 0; i < 2; i++) expect((await introspect(server.url, caller.basic, { token: pat.token })).status).toBe(200);
      expect((await api(server.url, 'PATCH', `/api/v1/user/applications/${caller.id}`, { auth: alice.basic, body: { introspection: false } })).status).toBe(200);
      expect((await introspect(server.url, caller.basic, { token: pat.token })).status).toBe(403);
    });

    it('deleted: 401 at once', async () => {
      const caller = await registerApp(server.url, alice.basic, machineApp('resource server', { introspection: true }));
      const pat = await newPat();
      for (let i = 0; i < 2; i++) expect((await introspect(server.url, caller.basic, { token: pat.token })).status).toBe(200);
      expect((await api(server.url, 'DELETE', `/api/v1/user/applications/${caller.id}`, { auth: alice.basic })).status).toBe(204);
      expect((await introspect(server.url, caller.basic, { token: pat.token })).status).toBe(401);
    });
  });

  function revokeAtEndpoint(app: ConfidentialApp, token: string, hint: string) {
    return fetch(`${server.url}/token/revocation`, {
      method: 'POST',
      headers: { Authorization: app.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: hint }),
    });
  }
});
