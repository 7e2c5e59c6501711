import { z } from 'zod';
import { APPLICATION_GRANT_TYPES } from '../../entities/index.js';

/**
 * What the JSON API answers, as zod schemas: the presenters are typed by them (so a field added to
 * one and not the other fails to compile), and the OpenAPI document is generated from them.
 * Strict: a response has exactly these members.
 */

const timestamp = z.iso.datetime().describe('ISO 8601, UTC');

/** Every error: `{"error", "error_description"}` (RFC 6749 §5.2 style). */
export const errorResponse = z.strictObject({
  error: z.string().describe('machine-readable code, e.g. invalid_request, invalid_token, not_found'),
  error_description: z.string().describe('what went wrong, naming the field'),
});

export const patResponse = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  scopes: z.array(z.string()),
  token_last_four: z.string().describe('last four characters of the secret'),
  created_at: timestamp,
  expires_at: timestamp.nullable().describe('null: never expires'),
  last_used_at: timestamp.nullable(),
  last_used_ip: z.string().nullable(),
  last_used_ips: z
    .array(z.strictObject({ ip: z.string(), used_at: timestamp }))
    .describe('the last (up to) five distinct client addresses that used the token, newest first'),
  last_used_user_agent: z.string().nullable().describe('the User-Agent of the last recorded API use'),
  revoked: z.boolean(),
  active: z.boolean().describe('not revoked, not expired, and within PAT_MAX_LIFETIME_DAYS and PAT_MAX_IDLE_DAYS'),
  inactive_reason: z
    .enum(['revoked', 'expired', 'max_lifetime', 'idle'])
    .nullable()
    .describe('why the token does not work: max_lifetime = issued longer ago than PAT_MAX_LIFETIME_DAYS allows now; idle = unused for PAT_MAX_IDLE_DAYS; null when active'),
  impersonation: z.boolean(),
  ip_allowlist: z.array(z.string()).describe('CIDR ranges; empty: anywhere'),
  secret_issued_at: timestamp.describe('when the current secret was issued: creation, or the last rotate/regenerate'),
  previous_secret_valid_until: timestamp
    .nullable()
    .describe('after a rotation: when the replaced secret stops (or stopped) working; presenting it afterwards revokes the token'),
});

/** Only in the answers of create and regenerate. */
export const patWithSecretResponse = patResponse.extend({ token: z.string().describe('the secret, shown once') });

export const userResponse = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  email: z.string(),
  name: z.string(),
  admin: z.boolean(),
  created_at: timestamp,
});

/** GET /api/v1/user: `email` only with scope user:email. */
export const currentUserResponse = userResponse.extend({ email: z.string().optional() });

export const scopeResponse = z.strictObject({
  name: z.string(),
  kind: z.enum(['api', 'oidc']).describe('oidc scopes are for OAuth sign-in only, never on a PAT'),
  access: z.enum(['read', 'read-write']),
  description: z.strictObject({ en: z.string(), zh: z.string() }),
  implies: z.array(z.string()),
  sensitive: z.boolean().describe('a token created with it notifies its owner (docs/notifications.md)'),
});

export const applicationResponse = z.strictObject({
  id: z.number().int(),
  client_id: z.string(),
  name: z.string(),
  homepage_url: z.string().nullable(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  type: z.enum(['confidential', 'public']),
  grant_types: z.array(z.enum(APPLICATION_GRANT_TYPES)),
  scopes: z.array(z.string()).nullable().describe('null: any scope in the registry'),
  introspection: z.boolean().describe('may call the introspection endpoint for any token'),
  client_secret_last_four: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

/** Only in the answers of create and secret regeneration; null for public apps. */
export const applicationWithSecretResponse = applicationResponse.extend({ client_secret: z.string().nullable().describe('shown once') });

export const authorizationResponse = z.strictObject({
  id: z.string(),
  application: z.strictObject({ client_id: z.string(), name: z.string(), homepage_url: z.string().nullable() }),
  scopes: z.array(z.string()),
  created_at: timestamp,
  last_used_at: timestamp.nullable(),
  expires_at: timestamp.nullable(),
});

export type PatResponse = z.output<typeof patResponse>;
export type PatWithSecretResponse = z.output<typeof patWithSecretResponse>;
export type UserResponse = z.output<typeof userResponse>;
export type CurrentUserResponse = z.output<typeof currentUserResponse>;
export type ScopeResponse = z.output<typeof scopeResponse>;
export type ApplicationResponse = z.output<typeof applicationResponse>;
export type ApplicationWithSecretResponse = z.output<typeof applicationWithSecretResponse>;
export type AuthorizationResponse = z.output<typeof authorizationResponse>;

export const securityEventResponse = z.strictObject({
  id: z.number().int(),
  created_at: timestamp,
  action: z.string().describe('token.created, token.revoked, token.leak_reported, oauth.grant_given, user.signed_in, …'),
  user_id: z.number().int().nullable().describe('whose entry it is: the token\'s owner, the account signed in to'),
  user: z.string().nullable().describe('that user\'s name when it happened'),
  actor_id: z.number().int().nullable().describe('who did it; null: the system, or an anonymous reporter'),
  actor: z.string().nullable(),
  token_id: z.number().int().nullable().describe('the personal access token\'s record id'),
  token_kind: z.string().nullable(),
  hashed_token: z.string().nullable().describe('base64 of the SHA-256 of the token string'),
  client_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type SecurityEventResponse = z.output<typeof securityEventResponse>;

/** What POST /api/v1/admin/token tells an administrator about a token (never its secret). */
export const tokenInfoResponse = z.strictObject({
  kind: z.enum(['personal_access_token', 'impersonation_token', 'access_token', 'refresh_token']),
  id: z.number().int().nullable().describe('the personal access token\'s record id; null for OAuth tokens'),
  owner: z.strictObject({ id: z.number().int(), username: z.string() }).nullable().describe('the user it acts for; null for a client-credentials token or a deleted user'),
  client_id: z.string().nullable().describe('the app an OAuth token was issued to'),
  authorization_id: z.string().nullable().describe('the authorization (grant) an OAuth token was issued under'),
  scopes: z.array(z.string()),
  state: z.enum(['active', 'revoked', 'expired']),
  created_at: timestamp.nullable(),
  expires_at: timestamp.nullable(),
  last_used_at: timestamp.nullable().describe('personal access tokens only'),
});
export type TokenInfoResponse = z.output<typeof tokenInfoResponse>;

/** GitHub secret scanning's optional feedback, one entry per reported token. */
export const githubFeedbackResponse = z.strictObject({
  token_hash: z.string().describe('hex SHA-256 of the reported token'),
  token_type: z.string(),
  label: z.enum(['true_positive', 'false_positive']),
});

/** An empty JSON object (`202 {}`). */
export const acceptedResponse = z.strictObject({});
export const notificationResponse = z.strictObject({
  id: z.number().int(),
  created_at: timestamp,
  kind: z.enum(['token_expiring', 'token_expired', 'token_leaked', 'sensitive_scope']),
  token_id: z.number().int().describe('the personal access token\'s record id'),
  token_name: z.string(),
  token_last_four: z.string().describe('the last four characters of the token'),
  token_expires_at: timestamp.nullable(),
  threshold_days: z.number().int().nullable().describe('for token_expiring: 30, 7 or 1'),
  scopes: z.array(z.string()).nullable().describe('for sensitive_scope: the sensitive scopes granted'),
  read: z.boolean(),
  mail: z.enum(['pending', 'sent', 'failed', 'none']).describe('whether it was mailed; none: no SMTP_URL'),
});
export type NotificationResponse = z.output<typeof notificationResponse>;
