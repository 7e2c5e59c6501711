import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type Provider from 'oidc-provider';
import { providerTokens } from '../../src/oidc/provider-tokens.js';
import type { ProviderTokenLookup } from '../../src/tokens/introspection/oauth-token-introspector.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { clientBasic, codeFlow, postForm, registerApp, relyingParty, type RegisteredApp } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

/**
 * src/oidc/provider-tokens.ts repeats the rules of oidc-provider's introspection action (which
 * Tessera's endpoint stands in front of). This asks the provider's own endpoint, run on its own,
 * about tokens in every state, and expects the same verdict and the same facts: an upgrade that
 * changes the provider's rules fails here.
 */
describe("provider tokens, judged as the provider's own introspection judges them", () => {
  let server: TestServer;
  let provider: Provider;
  let own: http.Server;
  let ownIntrospection: string;
  let app: RegisteredApp;
  let other: RegisteredApp;
  let lookup: ProviderTokenLookup;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  let aliceId: string;
  let bobId: string;

  beforeAll(async () => {
    server = await startTestServer();
    provider = server.container.oidc;
    lookup = providerTokens(provider);
    alice = await server.createUser('alice');
    await server.createUser('bob');
    aliceId = String((await server.container.users.getByUsername('alice')).id);
    bobId = String((await server.container.users.getByUsername('bob')).id);
    const grantTypes = ['authorization_code', 'refresh_token', 'client_credentials'];
    app = await registerApp(server.url, alice.basic, { name: 'Probe', grant_types: grantTypes, introspection: true });
    other = await registerApp(server.url, alice.basic, { name: 'Other', grant_types: grantTypes });
    // The provider's own app, without Tessera's introspection handler in front of its route.
    own = http.createServer(provider.callback());
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    ownIntrospection = `http://127.0.0.1:${(own.address() as AddressInfo).port}${provider.pathFor('introspection')}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => own?.close(resolve));
    await server?.close();
  });

  const FACTS = ['active', 'client_id', 'sub', 'scope', 'exp', 'iat', 'aud', 'token_type', 'cnf'] as const;

  /** The provider's own answer, cut to the facts Tessera takes from it. */
  async function providerSays(token: string): Promise<Record<string, unknown>> {
    const res = await postForm(ownIntrospection, { token }, { Authorization: clientBasic(app.client_id, app.client_secret!) });
    expect(res.status).toBe(200);
    return Object.fromEntries(FACTS.filter((k) => res.body[k] !== undefined).map((k) => [k, res.body[k]]));
  }

  /** Tessera's lookup, in the same words. */
  async function tesseraSays(token: string): Promise<Record<string, unknown>> {
    const found = (await lookup('access_token', token)) ?? (await lookup('refresh_token', token));
    if (!found) return { active: false };
    const facts: Record<string, unknown> = {
      active: true,
      client_id: found.clientId,
      sub: found.accountId,
      scope: found.scope || undefined,
      exp: found.exp,
      iat: found.iat,
      aud: found.aud,
      token_type: found.tokenType,
      cnf: found.cnf,
    };
    return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
  }

  async function expectSameVerdict(label: string, token: string, active: boolean): Promise<void> {
    const said = await providerSays(token);
    expect([label, said.active]).toEqual([label, active]);
    expect([label, await tesseraSays(token)]).toEqual([label, said]);
  }

  /** A token made with the provider's models, under a grant that may not match it. */
  async function crafted(token: { clientId: string; accountId: string }, grant: { clientId: string; accountId: string }): Promise<{ value: string; grantId: string }> {
    const g = new provider.Grant(grant);
    g.addOIDCScope('user');
    const grantId = await g.save();
    const client = (await provider.Client.find(token.clientId))!;
    const value = await new provider.AccessToken({ client, accountId: token.accountId, grantId, scope: 'user', gty: 'authorization_code' }).save();
    return { value, grantId };
  }

  it('agrees on tokens issued by the flows: user, refresh, client credentials, DPoP-bound', async () => {
    const rp = await relyingParty(server.url, app);
    const tokens = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'user project' });
    await expectSameVerdict('access token', tokens.access_token, true);
    await expectSameVerdict('refresh token', tokens.refresh_token!, true);
    await expectSameVerdict('client credentials', (await oidc.clientCredentialsGrant(rp, { scope: 'project' })).access_token, true);
    const DPoP = oidc.getDPoPHandle(rp, await oidc.randomDPoPKeyPair('ES256'));
    const bound = await oidc.clientCredentialsGrant(rp, { scope: 'project' }, { DPoP });
    await expectSameVerdict('DPoP-bound client credentials', bound.access_token, true);
    expect((await tesseraSays(bound.access_token)).cnf).toEqual({ jkt: expect.any(String) });

    const rotated = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    await expectSameVerdict('a rotated (consumed) refresh token', tokens.refresh_token!, false);
    await expectSameVerdict('its successor', rotated.refresh_token!, true);
  });

  it('agrees on tokens whose grant is gone or is not theirs', async () => {
    const fine = await crafted({ clientId: app.client_id, accountId: aliceId }, { clientId: app.client_id, accountId: aliceId });
    await expectSameVerdict('a crafted token under its own grant', fine.value, true);
    await provider.Grant.adapter.destroy(fine.grantId);
    await expectSameVerdict('the same once its grant is gone', fine.value, false);
    await expectSameVerdict('a grant of another account', (await crafted({ clientId: app.client_id, accountId: bobId }, { clientId: app.client_id, accountId: aliceId })).value, false);
    await expectSameVerdict('a grant of another client', (await crafted({ clientId: app.client_id, accountId: aliceId }, { clientId: other.client_id, accountId: aliceId })).value, false);
  });

  it('agrees on strings that are no token', async () => {
    await expectSameVerdict('43 random characters', 'x'.repeat(43), false);
  });
});
