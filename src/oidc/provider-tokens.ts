import type Provider from 'oidc-provider';
import type { AccessToken, ClientCredentials, RefreshToken } from 'oidc-provider';
import type { ProviderTokenControl } from '../services/leaked-tokens.js';
import type { ProviderToken, ProviderTokenKind, ProviderTokenLookup } from '../tokens/introspection/oauth-token-introspector.js';
import { revokeGrant } from './grants.js';

/**
 * The provider's opaque tokens, judged as its own introspection endpoint judges them, for
 * Tessera's introspection endpoint and API (src/tokens/introspection/oauth-token-introspector.ts).
 *
 * Internal, repeated on purpose: the provider's rules live in its introspection action
 * (lib/actions/introspection.js), which is not callable on its own: it is a route behind the
 * provider's client authentication, and Tessera's endpoint answers PATs and callers of its own
 * too. So the rules are repeated here, through the provider's public models only:
 *
 * - the token is found by its model (`find` leaves out expired ones) and `isValid` (not consumed);
 * - a token with a grant needs it present, unexpired, of the same client and the same account;
 * - only access tokens (user or client credentials) and refresh tokens are introspectable;
 * - the answer carries the token's `cnf` binding (RFC 9449 DPoP `jkt`, RFC 8705 `x5t#S256`), so
 *   a resource server can check the proof it is presented with.
 *
 * The action's other check, that a refresh token of a client authenticating with
 * `attest_jwt_client_auth` is bound to that attestation key, cannot apply: Tessera offers no
 * attestation-based client authentication (CLIENT_AUTH_METHODS in provider.ts). Tessera adds one
 * rule of its own: the token's client must still exist (deleting an app deletes its tokens too).
 *
 * test/oidc/provider-tokens.test.ts compares these answers with the provider's own endpoint for
 * tokens in every state, so an upgrade that changes its rules fails there.
 */
export function providerTokens(provider: Provider): ProviderTokenLookup {
  return async function lookup(kind: ProviderTokenKind, value: string): Promise<ProviderToken | null> {
    const token =
      kind === 'refresh_token' ? await provider.RefreshToken.find(value) : ((await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value)));
    if (!token?.isValid || !token.clientId) return null;
    const { accountId, grantId } = token instanceof provider.ClientCredentials ? { accountId: undefined, grantId: undefined } : token;
    if (grantId) {
      const grant = await provider.Grant.find(grantId, { ignoreExpiration: true });
      if (!grant || grant.isExpired || grant.clientId !== token.clientId || grant.accountId !== accountId) return null;
    }
    if (!(await provider.Client.find(token.clientId))) return null;
    return {
      clientId: token.clientId,
      accountId,
      grantId,
      scope: token.scope ?? '',
      iat: token.iat,
      exp: token.exp,
      aud: token instanceof provider.RefreshToken ? undefined : token.aud,
      tokenType: token instanceof provider.RefreshToken ? undefined : token.tokenType,
      cnf: confirmation(token),
    };
  };
}

/** RFC 7800 `cnf` of a sender-constrained token, as the provider's introspection writes it. */
function confirmation(token: AccessToken | ClientCredentials | RefreshToken): ProviderToken['cnf'] {
  if (!token.isSenderConstrained()) return undefined;
  return { ...(token.jkt ? { jkt: token.jkt } : {}), ...(token['x5t#S256'] ? { 'x5t#S256': token['x5t#S256'] } : {}) };
}

/** Opaque values of the provider: 256 random bits as 43 base64url characters. */
const OPAQUE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The provider's access and refresh tokens for leak reports and administrators
 * (services/leaked-tokens.ts), through its public models: `find` (expired ones included, so an
 * administrator sees them), and revocation as its revocation endpoint does it
 * (lib/actions/revocation.js): `destroy()` the token (the adapter reports it removed, so every
 * instance's caches hear of it), then revoke its grant with every token under it.
 */
export function providerTokenControl(provider: Provider): ProviderTokenControl {
  async function find(value: string): Promise<AccessToken | ClientCredentials | RefreshToken | undefined> {
    const options = { ignoreExpiration: true };
    return (await provider.AccessToken.find(value, options)) ?? (await provider.ClientCredentials.find(value, options)) ?? (await provider.RefreshToken.find(value, options));
  }
  return {
    claims: (value) => OPAQUE_VALUE.test(value),
    async describe(value) {
      const token = await find(value);
      if (!token) return null;
      const user = token instanceof provider.ClientCredentials ? undefined : token;
      return {
        kind: token instanceof provider.RefreshToken ? 'refresh_token' : 'access_token',
        accountId: user?.accountId,
        clientId: token.clientId,
        grantId: user?.grantId,
        scope: token.scope ?? '',
        iat: token.iat,
        exp: token.exp,
        active: token.isValid && !token.isExpired,
      };
    },
    async revoke(value) {
      const token = await find(value);
      if (!token) return;
      await token.destroy();
      if (!(token instanceof provider.ClientCredentials) && token.grantId) await revokeGrant(provider, token.grantId);
    },
  };
}
