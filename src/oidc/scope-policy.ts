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
 * The `scope` exactly as the client sent it. By the time extra-parameter validators run, the
 * provider has already filtered `ctx.oidc.params.scope` down to the scopes it knows (its
 * check_resource step, at the token endpoint too), so the unfiltered value is read from the request itself. Requests by
 * reference (PAR's request_uri) carry no scope here and were checked at the PAR endpoint.
 */
function requestedScope(ctx: KoaContextWithOIDC): string | undefined {
  const source = (ctx.method === 'POST' ? ctx.oidc.body : ctx.query) as Record<string, unknown> | undefined;
  const raw = source?.scope;
  return typeof raw === 'string' ? raw : (ctx.oidc.params?.scope as string | undefined);
}

/**
 * Validator for the `scope` authorization parameter, registered through `extraParams`: the
 * provider runs it for the authorization, PAR and device authorization endpoints after the
 * client and redirect URI are checked, so the error goes back to the app the standard way.
 */
export function scopeParamValidator(registry: ScopeRegistry) {
  return async function validateScopeParam(ctx: KoaContextWithOIDC): Promise<void> {
    assertRegisteredScopes(registry, requestedScope(ctx));
  };
}

/**
 * client_credentials never passes the validator above (it is a token endpoint grant). The
 * provider calls `extraTokenClaims` for each ClientCredentials token before saving it, which
 * is the last moment to refuse: unknown scopes and OIDC sign-in scopes (no user is involved).
 */
export function clientCredentialsScopeCheck(registry: ScopeRegistry) {
  return async function checkClientCredentialsScopes(ctx: KoaContextWithOIDC, token: { kind: string }): Promise<undefined> {
    if (token.kind !== 'ClientCredentials') return undefined;
    const scope = requestedScope(ctx);
    assertRegisteredScopes(registry, scope);
    for (const name of (scope ?? '').split(' ').filter(Boolean)) {
      if (registry.get(name)?.kind === 'oidc') {
        throw new errors.InvalidScope(`scope ${name} needs a user and cannot be used with client_credentials`, name);
      }
    }
    return undefined;
  };
}
