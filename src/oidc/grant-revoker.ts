import type Provider from 'oidc-provider';

/**
 * Revokes a grant the way oidc-provider does itself (its helpers/revoke.js): every token
 * model by grant id, then the grant. Going through the provider's models keeps each
 * artifact's storage (database or Redis) and the revocation hook in one place: the adapter.
 */
export function grantRevoker(provider: Provider): (grantId: string) => Promise<void> {
  return async function revokeGrant(grantId: string): Promise<void> {
    await Promise.all(
      [provider.AccessToken, provider.RefreshToken, provider.AuthorizationCode, provider.DeviceCode, provider.BackchannelAuthenticationRequest].map(
        (model) => model.revokeByGrantId(grantId),
      ),
    );
    await provider.Grant.adapter.destroy(grantId);
  };
}
