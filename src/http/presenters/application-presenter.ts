import type { OAuthApplication } from '../../entities/index.js';
import type { Authorization } from '../../services/authorization-service.js';
import type { ApplicationResponse, ApplicationWithSecretResponse, AuthorizationResponse } from '../schemas/response-schemas.js';

/** The public shape of an OAuth app. Never the secret (only its last four characters). */
export function presentApplication(app: OAuthApplication): ApplicationResponse {
  return {
    id: app.id,
    client_id: app.clientId,
    name: app.name,
    homepage_url: app.homepageUrl,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    type: app.type,
    grant_types: app.grantTypes,
    scopes: app.scopes,
    introspection: app.introspection,
    client_secret_last_four: app.secretLastFour,
    created_at: app.createdAt.toISOString(),
    updated_at: app.updatedAt.toISOString(),
  };
}

/** The one response that carries the secret: right after create or regeneration. */
export function presentApplicationWithSecret(app: OAuthApplication, secret: string | null): ApplicationWithSecretResponse {
  return { ...presentApplication(app), client_secret: secret };
}

/** An app the user authorized. */
export function presentAuthorization(a: Authorization): AuthorizationResponse {
  return {
    id: a.id,
    application: { client_id: a.clientId, name: a.applicationName, homepage_url: a.homepageUrl },
    scopes: a.scopes,
    created_at: a.createdAt.toISOString(),
    last_used_at: a.lastUsedAt?.toISOString() ?? null,
    expires_at: a.expiresAt?.toISOString() ?? null,
  };
}
