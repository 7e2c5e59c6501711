import Provider, { type Grant } from 'oidc-provider';
import type { GrantRecord, Grants } from '../services/authorization-service.js';
import { GRANT_BOUND_MODELS } from './adapter/models.js';

/**
 * Revokes a grant the way oidc-provider does when it revokes one itself (refresh-token or code
 * reuse, sign-out, revocation): every artifact issued under it, through each model's public
 * `revokeByGrantId`; then the grant; then its `grant.revoked` event. Its own helper
 * (lib/helpers/revoke.js) is not exported and needs one of its requests; this is the same path
 * through the public models, for Tessera's own callers too (the authorizations API and pages, and
 * the adapter's reuse detection). Unlike the provider's, it does not skip the models of grant
 * types the client is not registered for: there is nothing under the grant for those.
 *
 * `grant.revoked` gets the provider's request context when the revocation happens inside one of
 * its requests (reuse detected by the adapter), and undefined otherwise (the API, the pages).
 */
export async function revokeGrant(provider: Provider, grantId: string): Promise<void> {
  await Promise.all(GRANT_BOUND_MODELS.map((model) => provider[model].revokeByGrantId(grantId)));
  await provider.Grant.adapter.destroy(grantId);
  provider.emit('grant.revoked', Provider.ctx, grantId);
}

/** Tessera's view of the provider's grants (see Grants), read through its Grant model. */
export function providerGrants(provider: Provider): Grants {
  return {
    async find(grantId) {
      const grant = await provider.Grant.find(grantId);
      return grant && recordOf(grant);
    },
    revoke: (grantId) => revokeGrant(provider, grantId),
  };
}

function recordOf(grant: Grant): GrantRecord {
  const scopes = new Set(words(grant.getOIDCScope()));
  for (const resource of Object.keys(grant.resources ?? {})) for (const scope of words(grant.getResourceScope(resource))) scopes.add(scope);
  return { accountId: grant.accountId, clientId: grant.clientId, scopes: [...scopes] };
}

const words = (scope: string): string[] => scope.split(' ').filter(Boolean);
