import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { ScopeRegistry } from '../scopes/scope-registry.js';

/**
 * oidc-provider silently drops scopes it does not know. Tessera answers `invalid_scope`
 * instead, so a typo in an app's request is visible to its developer.
 */
export function assertRegisteredScopes(registry: ScopeRegistry, scope: string | undefined): void {
  for (const name of (scope ?? '').split(' ').filter(Boolean)) {
    if (!registry.get(name)) throw new errors.InvalidScope(`unknown scope: ${name}`, name);
  }
}

/**
 * Validator for the `scope` authorization parameter, registered through `extraParams`: the
 * provider runs it for the authorization, PAR and device authorization endpoints after the
 * client and redirect URI are checked, so the error goes back to the app the standard way.
 */
export function scopeParamValidator(registry: ScopeRegistry) {
  return async function validateScopeParam(_ctx: KoaContextWithOIDC, value: string | undefined): Promise<void> {
    assertRegisteredScopes(registry, value);
  };
}

/**
 * client_credentials never passes the validator above (it is a token endpoint grant). The
 * provider calls `extraTokenClaims` for each ClientCredentials token before saving it, which
 * is the last moment to refuse: unknown scopes and OIDC sign-in scopes (no user is involved).
 */
export function clientCredentialsScopeCheck(registry: ScopeRegistry) {
  return async function checkClientCredentialsScopes(_ctx: KoaContextWithOIDC, token: { kind: string; scope?: string }): Promise<undefined> {
    if (token.kind !== 'ClientCredentials') return undefined;
    assertRegisteredScopes(registry, token.scope);
    for (const name of (token.scope ?? '').split(' ').filter(Boolean)) {
      if (registry.get(name)?.kind === 'oidc') {
        throw new errors.InvalidScope(`scope ${name} needs a user and cannot be used with client_credentials`, name);
      }
    }
    return undefined;
  };
}
