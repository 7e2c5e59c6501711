import { createHash, randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import { exportJWK, SignJWT } from 'jose';
import { startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, codeFlow, registerApp, relyingParty, signInAndConsent } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

type DpopKeys = Awaited<ReturnType<typeof oidc.randomDPoPKeyPair>>;

/**
 * Tessera's own resource routes (GET /api/v1/user) hold a DPoP-bound access token to its key
 * (RFC 9449 §7), as the authorization server's userinfo does: the DPoP scheme with a fresh proof
 * for this request, signed by the bound key; never as a Bearer token.
 */
describe('DPoP-bound tokens at Tessera\'s API', () => {
  let server: TestServer;
  let alice: { username: string; password: string; basic: string };
  let rp: oidc.Configuration;
  let keys: DpopKeys;
  let bound: string;

  const proof = async (claims: { htm?: string; htu?: string; ath?: string; iat?: number; jti?: string }, key: DpopKeys = keys) =>
    new SignJWT({
      htm: 'GET',
      htu: `${server.url}/api/v1/user`,
      ath: createHash('sha256').update(bound).digest('base64url'),
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(key.publicKey) })
      .sign(key.privateKey);
  const getUser = (authorization: string, dpop?: string) =>
    fetch(`${server.url}/api/v1/user`, { headers: { Authorization: authorization, ...(dpop ? { DPoP: dpop } : {}) } });
  const refused = async (res: Response, error = 'invalid_dpop_proof') => {
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe(error);
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP realm="tessera", error="invalid_dpop_proof", algs="ES256 Ed25519 EdDSA"/);
  };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser('alice');
    rp = await relyingParty(server.url, await registerApp(server.url, alice.basic, { name: 'DPoP app' }));
    keys = await oidc.randomDPoPKeyPair('ES256');
    const request = await authorizationRequest(rp, { scope: 'user' });
    const callback = await signInAndConsent(new WebClient(server.url), request.url, alice);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state }, undefined, {
      DPoP: oidc.getDPoPHandle(rp, keys),
    });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    bound = tokens.access_token;
  });
  afterAll(() => server?.close());

  it('answers a request with the DPoP scheme and a proof by the bound key (what openid-client sends)', async () => {
    const res = await oidc.fetchProtectedResource(rp, bound, new URL(`${server.url}/api/v1/user`), 'GET', undefined, undefined, { DPoP: oidc.getDPoPHandle(rp, keys) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { username: string }).username).toBe('alice');
    expect((await getUser(`DPoP ${bound}`, await proof({}))).status).toBe(200);
  });

  it('refuses the bound token as a Bearer token, and without a proof', async () => {
    await refused(await getUser(`Bearer ${bound}`));
    await refused(await getUser(`Bearer ${bound}`, await proof({})));
    await refused(await getUser(`DPoP ${bound}`));
    await refused(await getUser(`DPoP ${bound}`, 'not.a.jwt'));
  });

  it('refuses a proof replayed, for another request, for another token, stale, or signed by another key', async () => {
    const once = await proof({});
    expect((await getUser(`DPoP ${bound}`, once)).status).toBe(200);
    await refused(await getUser(`DPoP ${bound}`, once));
    await refused(await getUser(`DPoP ${bound}`, await proof({ htm: 'POST' })));
    await refused(await getUser(`DPoP ${bound}`, await proof({ htu: `${server.url}/api/v1/user/tokens` })));
    await refused(await getUser(`DPoP ${bound}`, await proof({ ath: createHash('sha256').update('another').digest('base64url') })));
    await refused(await getUser(`DPoP ${bound}`, await proof({ iat: Math.floor(Date.now() / 1000) - 3600 })));
    await refused(await getUser(`DPoP ${bound}`, await proof({}, await oidc.randomDPoPKeyPair('ES256'))));
    // The query string is not part of htu.
    expect((await fetch(`${server.url}/api/v1/user?x=1`, { headers: { Authorization: `DPoP ${bound}`, DPoP: await proof({}) } })).status).toBe(200);
  });

  it('refuses the DPoP scheme for a token that is not bound (a Bearer token, a PAT)', async () => {
    const plain = await codeFlow(rp, new WebClient(server.url), alice, { scope: 'user' });
    expect(plain.token_type.toLowerCase()).toBe('bearer');
    expect((await getUser(`Bearer ${plain.access_token}`)).status).toBe(200);
    await refused(await getUser(`DPoP ${plain.access_token}`, await proof({ ath: createHash('sha256').update(plain.access_token).digest('base64url') })));
    const pat = await fetch(`${server.url}/api/v1/user/tokens`, {
      method: 'POST',
      headers: { Authorization: alice.basic, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'plain', scopes: ['user'] }),
    });
    const { token } = (await pat.json()) as { token: string };
    await refused(await getUser(`DPoP ${token}`, await proof({ ath: createHash('sha256').update(token).digest('base64url') })));
  });
});
