import type { KoaContextWithOIDC } from 'oidc-provider';
import type { OriginPolicy } from '../security/cors-origins.js';

/** What the decision needs of a provider client. */
interface CorsClient {
  clientAuthMethod?: string;
  redirectUris?: string[];
}

/**
 * oidc-provider's `clientBasedCORS`: once the client of a cross-origin request to one of its
 * client endpoints (token, revocation, userinfo, device authorization, PAR) is known, whether the
 * page may read the answer; refused → 400 invalid_request without CORS headers. Allowed: the
 * origins in CORS_ORIGINS, for any client; and, as oidc-provider does by default, the origin of
 * one of the client's redirect URIs when the client is public (a browser app using PKCE, which
 * then needs no setting) or the endpoint is userinfo. Never with credentials: the provider sends no
 * Access-Control-Allow-Credentials, so browsers do not attach cookies.
 */
export function clientBasedCors(allowed: OriginPolicy) {
  return function clientBasedCORS(ctx: KoaContextWithOIDC, origin: string, client: CorsClient): boolean {
    if (origin === 'null') return false;
    if (allowed(origin)) return true;
    if (ctx.oidc.route !== 'userinfo' && client.clientAuthMethod !== 'none') return false;
    return (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin);
  };
}
