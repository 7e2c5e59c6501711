import { EntitySchema } from 'typeorm';
import { jsonArrayTransformer, jsonListTransformer, timestampColumns } from './columns.js';

/** Grant types an OAuth app may be allowed to use. */
export const APPLICATION_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;
export type ApplicationGrantType = (typeof APPLICATION_GRANT_TYPES)[number];

/**
 * An OAuth app (an oidc-provider Client). The client secret itself is never stored:
 * only HMAC-SHA-256(pepper, secret), like PAT digests.
 */
export interface OAuthApplication {
  id: number;
  /** Public identifier given to the app (random, URL-safe). */
  clientId: string;
  /** The user who registered the app; null for apps created by an operator through the CLI. */
  userId: number | null;
  name: string;
  homepageUrl: string | null;
  redirectUris: string[];
  /** Where RP-initiated logout may send the browser back to (exact match, like redirectUris). */
  postLogoutRedirectUris: string[];
  type: 'confidential' | 'public';
  grantTypes: ApplicationGrantType[];
  /** Scopes the app may request; null = any scope of the registry. */
  scopes: string[] | null;
  /** May call the introspection endpoint. */
  introspection: boolean;
  /** HMAC-SHA-256(pepper, client_secret), hex; null for public clients. */
  secretDigest: string | null;
  secretLastFour: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const OAuthApplicationEntity = new EntitySchema<OAuthApplication>({
  name: 'OAuthApplication',
  tableName: 'oauth_applications',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    clientId: { name: 'client_id', type: 'varchar', length: 64, unique: true },
    userId: { name: 'user_id', type: 'integer', nullable: true },
    name: { type: 'varchar', length: 100 },
    homepageUrl: { name: 'homepage_url', type: 'varchar', length: 2000, nullable: true },
    redirectUris: { name: 'redirect_uris', type: 'text', transformer: jsonArrayTransformer },
    postLogoutRedirectUris: { name: 'post_logout_redirect_uris', type: 'text', nullable: true, transformer: jsonListTransformer },
    type: { type: 'varchar', length: 16 },
    grantTypes: { name: 'grant_types', type: 'text', transformer: jsonArrayTransformer },
    scopes: { type: 'text', nullable: true, transformer: jsonArrayTransformer },
    introspection: { type: 'boolean', default: false },
    secretDigest: { name: 'secret_digest', type: 'varchar', length: 64, nullable: true },
    secretLastFour: { name: 'secret_last_four', type: 'varchar', length: 4, nullable: true },
    ...timestampColumns,
  },
  indices: [{ name: 'idx_oauth_app_user', columns: ['userId'] }],
});
