import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { OAuthApplication } from '../../entities/index.js';
import type { ApplicationStore } from '../../stores/application-store.js';

/** Client metadata property carrying the app's introspection permission. */
export const INTROSPECTION_METADATA = 'tessera_introspection';

/**
 * Clients are Tessera's own OAuth apps table, read-only for the provider (no dynamic
 * registration). The secret is the stored digest: see client-secret.ts for why that works.
 */
export class ClientAdapter implements Adapter {
  constructor(private readonly applications: ApplicationStore) {}

  async find(clientId: string): Promise<AdapterPayload | undefined> {
    const app = await this.applications.findByClientId(clientId);
    return app ? toClientMetadata(app) : undefined;
  }

  async upsert(): Promise<void> {
    throw new Error('clients are managed through the applications API, not by the provider');
  }

  async destroy(): Promise<void> {
    throw new Error('clients are managed through the applications API, not by the provider');
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(): Promise<void> {}

  async revokeByGrantId(): Promise<void> {}
}

/** An app as oidc-provider client metadata. */
export function toClientMetadata(app: OAuthApplication): AdapterPayload {
  const usesRedirects = app.grantTypes.includes('authorization_code');
  return {
    client_id: app.clientId,
    client_name: app.name,
    ...(app.homepageUrl ? { client_uri: app.homepageUrl } : {}),
    application_type: 'web',
    redirect_uris: usesRedirects ? app.redirectUris : [],
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    response_types: usesRedirects ? ['code'] : [],
    grant_types: [...app.grantTypes],
    ...(app.type === 'confidential'
      ? { token_endpoint_auth_method: 'client_secret_basic', client_secret: app.secretDigest ?? '' }
      : { token_endpoint_auth_method: 'none' }),
    ...(app.scopes ? { scope: app.scopes.join(' ') } : {}),
    [INTROSPECTION_METADATA]: app.introspection,
  };
}
