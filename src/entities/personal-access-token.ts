import { EntitySchema } from 'typeorm';
import { jsonArrayTransformer, timestampColumns } from './columns.js';

/** One address that used a token, and when it last did. */
export interface LastUsedIp {
  ip: string;
  at: string;
}

/** A personal (or admin-issued impersonation) access token. The secret itself is never stored. */
export interface PersonalAccessToken {
  id: number;
  userId: number;
  name: string;
  description: string | null;
  scopes: string[];
  /** HMAC-SHA-256(pepper, token), hex. */
  tokenDigest: string;
  tokenLastFour: string;
  /** base64(SHA-256(token)): the public hash the security log shows; null for tokens older than the log. */
  hashedToken: string | null;
  impersonation: boolean;
  /** The admin who issued an impersonation token. */
  createdById: number | null;
  ipAllowlist: string[] | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  /** The last (up to) five distinct client addresses that used the token, newest first, as GitLab keeps them. */
  lastUsedIps: LastUsedIp[] | null;
  /** The User-Agent of the last recorded use through the API. */
  lastUsedUserAgent: string | null;
  /** The secret this one replaced by rotation (its keyed digest): works until graceEndsAt, then presenting it is reuse. */
  previousTokenDigest: string | null;
  /** base64(SHA-256) of that previous secret, for the security log. */
  previousHashedToken: string | null;
  /** When the previous secret stopped (or stops) working. */
  graceEndsAt: Date | null;
  /** When the current secret was issued by rotate or regenerate (null: at creation); the lifetime policy counts from here. */
  secretIssuedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const PersonalAccessTokenEntity = new EntitySchema<PersonalAccessToken>({
  name: 'PersonalAccessToken',
  tableName: 'personal_access_tokens',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    userId: { name: 'user_id', type: 'integer' },
    name: { type: 'varchar', length: 100 },
    description: { type: 'varchar', length: 1000, nullable: true },
    scopes: { type: 'text', transformer: jsonArrayTransformer },
    tokenDigest: { name: 'token_digest', type: 'varchar', length: 64, unique: true },
    tokenLastFour: { name: 'token_last_four', type: 'varchar', length: 4 },
    hashedToken: { name: 'hashed_token', type: 'varchar', length: 44, nullable: true },
    impersonation: { type: 'boolean', default: false },
    createdById: { name: 'created_by_id', type: 'integer', nullable: true },
    ipAllowlist: { name: 'ip_allowlist', type: 'text', nullable: true, transformer: jsonArrayTransformer },
    expiresAt: { name: 'expires_at', type: 'datetime', precision: 3, nullable: true },
    lastUsedAt: { name: 'last_used_at', type: 'datetime', precision: 3, nullable: true },
    lastUsedIp: { name: 'last_used_ip', type: 'varchar', length: 45, nullable: true },
    lastUsedIps: { name: 'last_used_ips', type: 'text', nullable: true, transformer: jsonArrayTransformer },
    lastUsedUserAgent: { name: 'last_used_user_agent', type: 'varchar', length: 255, nullable: true },
    previousTokenDigest: { name: 'previous_token_digest', type: 'varchar', length: 64, nullable: true },
    previousHashedToken: { name: 'previous_hashed_token', type: 'varchar', length: 44, nullable: true },
    graceEndsAt: { name: 'grace_ends_at', type: 'datetime', precision: 3, nullable: true },
    secretIssuedAt: { name: 'secret_issued_at', type: 'datetime', precision: 3, nullable: true },
    revokedAt: { name: 'revoked_at', type: 'datetime', precision: 3, nullable: true },
    ...timestampColumns,
  },
  indices: [
    { name: 'idx_pat_user', columns: ['userId', 'impersonation'] },
    { name: 'idx_pat_hashed_token', columns: ['hashedToken'] },
    { name: 'idx_pat_previous_digest', columns: ['previousTokenDigest'] },
  ],
  relations: {},
});
