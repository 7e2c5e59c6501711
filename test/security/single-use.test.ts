import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { startInstances, type Instances, type TestServer } from '../support/harness.js';
import { authorizationRequest, introspect, machineApp, postForm, registerApp, REDIRECT_URI, relyingParty, signInAndConsent, type ConfidentialApp } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

/**
 * Authorization codes and refresh tokens are single use even when a client (or an attacker
 * holding a stolen one) presents them many times at once, to one instance or spread over two:
 * exactly one request wins, and every other is reuse, which revokes the grant and with it the
 * winner's fresh tokens (as sequential reuse does).
 */
const ROUNDS = 20;
const PARALLEL = 6;

describe('single use under concurrency (codes and refresh tokens)', () => {
  let instances: Instances<TestServer[]>;
  let a: TestServer;
  let b: TestServer;
  let app: ConfidentialApp;
  let user: { username: string; password: string };

  beforeAll(async () => {
    const started = await startInstances([{}, {}]);
    [a, b] = started.instances;
    instances = started;
    user = await a.createUser('racer');
    const owner = await a.createUser('racer-owner');
    app = await registerApp(a.url, owner.basic, { name: 'Racer', introspection: true, grant_types: ['authorization_code', 'refresh_token'] });
  });

  afterAll(() => instances?.close());

  /** One code through the real pages (on A), with its PKCE verifier. */
  async function freshCode(): Promise<{ code: string; verifier: string }> {
    const rp = await relyingParty(a.url, app);
    const request = await authorizationRequest(rp, { scope: 'user' });
    const callback = await signInAndConsent(new WebClient(a.url), request.url, user);
    return { code: callback.searchParams.get('code')!, verifier: request.codeVerifier };
  }

  const exchange = (server: TestServer, code: { code: string; verifier: string }) =>
    postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: REDIRECT_URI }, { Authorization: app.basic });

  const refresh = (server: TestServer, refreshToken: string) => postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken }, { Authorization: app.basic });

  async function active(token: string): Promise<boolean> {
    const res = await introspect(b.url, app.basic, { token });
    expect(res.status).toBe(200);
    return res.body.active as boolean;
  }

  /** Asserts exactly one 200 among the answers, every other a 400 invalid_grant; returns the winner's tokens. */
  function theOneWinner(round: number, answers: { status: number; body: any }[]): { access_token: string; refresh_token: string } {
    const winners = answers.filter((r) => r.status === 200);
    expect({ round, winners: winners.length }).toEqual({ round, winners: 1 });
    for (const loser of answers.filter((r) => r.status !== 200)) {
      expect(loser.status).toBe(400);
      expect(loser.body.error).toBe('invalid_grant');
    }
    return winners[0]!.body;
  }

  /** Each request of a burst goes to A or B, alternating (or all to A). */
  const spread = (twoInstances: boolean) => (i: number) => (twoInstances && i % 2 ? b : a);

  it(`accepts one DPoP proof once, however many requests carry it at once (${ROUNDS} rounds over two instances)`, async () => {
    const machine = await registerApp(a.url, (await a.createUser('dpop-owner')).basic, machineApp('DPoP worker'));
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    for (let round = 0; round < ROUNDS; round++) {
      // Both instances share the issuer's /token URL only by path; a proof names the URL it was sent to.
      const proofFor = (server: TestServer, jti: string) =>
        new SignJWT({ htm: 'POST', htu: `${server.url}/token`, jti })
          .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
          .setIssuedAt()
          .sign(privateKey);
      const jti = randomUUID();
      const proofs = new Map(await Promise.all([a, b].map(async (s) => [s, await proofFor(s, jti)] as const)));
      const answers = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) => {
          const server = i % 2 ? b : a;
          return postForm(`${server.url}/token`, { grant_type: 'client_credentials', scope: 'user' }, { Authorization: machine.basic, DPoP: proofs.get(server)! });
        }),
      );
      const winners = answers.filter((r) => r.status === 200);
      expect({ round, winners: winners.length }).toEqual({ round, winners: 1 });
      expect(winners[0]!.body.token_type).toBe('DPoP');
      for (const loser of answers.filter((r) => r.status !== 200)) {
        expect(loser.status).toBe(400);
        // As oidc-provider answers a replay it sees itself (the detail stays in its logs).
        expect(loser.body).toEqual({ error: 'invalid_grant', error_description: 'grant request is invalid' });
      }
    }
  }, 120_000);

  describe.each([
    ['one instance', false],
    ['two instances', true],
  ])('%s', (_label, twoInstances) => {
    it(`exchanges a code ${PARALLEL} times at once: one winner, and the losers revoke its tokens (${ROUNDS} rounds)`, async () => {
      const on = spread(twoInstances);
      for (let round = 0; round < ROUNDS; round++) {
        const code = await freshCode();
        const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => exchange(on(i), code)));
        const tokens = theOneWinner(round, answers);
        expect(await active(tokens.access_token)).toBe(false);
        expect(await active(tokens.refresh_token)).toBe(false);
        expect((await refresh(a, tokens.refresh_token)).body.error).toBe('invalid_grant');
      }
    }, 120_000);

    it(`refreshes one refresh token ${PARALLEL} times at once: one winner, and the losers revoke its chain (${ROUNDS} rounds)`, async () => {
      const on = spread(twoInstances);
      for (let round = 0; round < ROUNDS; round++) {
        const issued = await exchange(a, await freshCode());
        expect(issued.status).toBe(200);
        const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => refresh(on(i), issued.body.refresh_token)));
        const rotated = theOneWinner(round, answers);
        expect(await active(rotated.access_token)).toBe(false);
        expect(await active(rotated.refresh_token)).toBe(false);
        expect(await active(issued.body.access_token)).toBe(false);
        expect((await refresh(b, rotated.refresh_token)).body.error).toBe('invalid_grant');
      }
    }, 120_000);
  });
});
