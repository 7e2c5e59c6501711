import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { GRANT_BOUND_MODELS } from '../../src/oidc/adapter/models.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, clientBasic, postForm, registerApp, REDIRECT_URI, relyingParty, signInAndConsent, type RegisteredApp } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

/**
 * Grants go through oidc-provider's own model (src/oidc/grants.ts): "authorized apps" reads a
 * grant's scopes with its getters, and revoking a grant takes every artifact of every model the
 * provider binds to grants, then emits its `grant.revoked`, whoever revokes.
 */
describe("the provider's grants", () => {
  let server: TestServer;
  let provider: Provider;
  let app: RegisteredApp;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  const revoked: { grantId: string; route: string | undefined }[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    provider = server.container.oidc;
    alice = await server.createUser('alice');
    app = await registerApp(server.url, alice.basic, { name: 'Grants', grant_types: ['authorization_code', 'refresh_token'] });
    provider.on('grant.revoked', (ctx: KoaContextWithOIDC | undefined, grantId: string) => revoked.push({ grantId, route: ctx?.oidc.route }));
  });
  afterAll(() => server?.close());

  const accountId = async () => String((await server.container.users.getByUsername('alice')).id);

  it('knows every model the provider can revoke by grant id', () => {
    const models = Object.entries(Object.getOwnPropertyDescriptors(Provider.prototype))
      .filter(([, d]) => typeof d.get === 'function')
      .map(([name]) => name)
      .filter((name) => name !== 'app' && typeof (provider[name as keyof Provider] as { revokeByGrantId?: unknown })?.revokeByGrantId === 'function');
    expect([...GRANT_BOUND_MODELS].sort()).toEqual(models.sort());
  });

  it("lists an authorization with the grant's scopes, read through the provider's getters", async () => {
    const user = await server.container.users.getByUsername('alice');
    const grant = new provider.Grant({ clientId: app.client_id, accountId: await accountId() });
    grant.addOIDCScope('openid user');
    grant.addResourceScope('https://api.example', 'project');
    const grantId = await grant.save();
    const listed = (await server.container.authorizations.list(user)).find((a) => a.grantIds.includes(grantId));
    expect(listed?.scopes.sort()).toEqual(['openid', 'project', 'user']);
  });

  it('revokes every grant-bound artifact and the grant, and emits grant.revoked (the authorizations API)', async () => {
    revoked.length = 0;
    const account = await accountId();
    const client = (await provider.Client.find(app.client_id))!;
    const grant = new provider.Grant({ clientId: app.client_id, accountId: account });
    grant.addOIDCScope('openid user');
    const grantId = await grant.save();
    const common = { client, clientId: app.client_id, accountId: account, grantId, scope: 'openid user', expiresIn: 600 };
    const artifacts = {
      AccessToken: await new provider.AccessToken({ ...common, gty: 'authorization_code' }).save(),
      RefreshToken: await new provider.RefreshToken({ ...common, gty: 'authorization_code' }).save(),
      AuthorizationCode: await new provider.AuthorizationCode({ ...common, gty: 'authorization_code', redirectUri: REDIRECT_URI }).save(),
      DeviceCode: await new provider.DeviceCode({ ...common, params: {}, userCode: 'BCDFGHJK', deviceInfo: {} }).save(),
      BackchannelAuthenticationRequest: await new provider.BackchannelAuthenticationRequest({ ...common } as never).save(),
      PreAuthorizedCode: await new provider.PreAuthorizedCode({ ...common }).save(),
    };
    expect(Object.keys(artifacts).sort()).toEqual([...GRANT_BOUND_MODELS].sort());
    const findIn = (model: string, id: string) => (provider[model as keyof typeof artifacts] as unknown as { find(id: string): Promise<unknown> }).find(id);
    for (const [model, id] of Object.entries(artifacts)) expect([model, Boolean(await findIn(model, id))]).toEqual([model, true]);

    const res = await fetch(`${server.url}/api/v1/user/authorizations/${grantId}`, { method: 'DELETE', headers: { Authorization: alice.basic } });
    expect(res.status).toBe(204);
    for (const [model, id] of Object.entries(artifacts)) expect([model, await findIn(model, id)]).toEqual([model, undefined]);
    expect(await provider.Grant.find(grantId)).toBeUndefined();
    // The app's other grant for alice (the test above) goes with it: one authorization.
    expect(revoked).toContainEqual({ grantId, route: undefined });
    expect(revoked.every((event) => event.route === undefined)).toBe(true);
  });

  it('emits grant.revoked, inside the token request, when the adapter sees a code consumed meanwhile', async () => {
    const rp = await relyingParty(server.url, app);
    const request = await authorizationRequest(rp, { scope: 'openid user' });
    const code = (await signInAndConsent(new WebClient(server.url), request.url, alice)).searchParams.get('code')!;
    const exchange = () =>
      postForm(`${server.url}/token`, { grant_type: 'authorization_code', code, code_verifier: request.codeVerifier, redirect_uri: REDIRECT_URI }, { Authorization: clientBasic(app.client_id, app.client_secret!) });
    const first = await exchange();
    expect(first.status).toBe(200);
    // The provider's own check ("already consumed") must not see it: as when another request
    // consumes it between that check and this one's consume, which the adapter decides.
    revoked.length = 0;
    const adapter = provider.AuthorizationCode.adapter;
    const find = adapter.find.bind(adapter);
    adapter.find = async (id: string) => {
      const payload = await find(id);
      if (payload) delete payload.consumed;
      return payload;
    };
    try {
      const again = await exchange();
      expect([again.status, again.body.error]).toEqual([400, 'invalid_grant']);
    } finally {
      adapter.find = find;
    }
    expect(revoked).toEqual([{ grantId: expect.any(String), route: 'token' }]);
    const access = await provider.AccessToken.find(first.body.access_token);
    expect(access).toBeUndefined();
  });
});
