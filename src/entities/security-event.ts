import { EntitySchema } from 'typeorm';

/** The non-secret facts an entry may carry (why a token was revoked, its scopes …). */
export type SecurityEventDetails = Record<string, string | number | boolean | null | string[]>;

/**
 * One entry of the security log: something that happened to a token, a grant or an account.
 * Never a secret: a token appears only as its public hash (base64 of its SHA-256, as GitHub's
 * audit log has it), so whoever holds a token can find its entries.
 */
export interface SecurityEvent {
  id: number;
  occurredAt: Date;
  /** `token.created`, `token.revoked`, `user.signed_in`, … (SECURITY_ACTIONS). */
  action: string;
  /** Whose log it belongs to: the token's owner, the account signed in to; null if none. */
  userId: number | null;
  /** That user's name when it happened (the entry stays readable after the account is gone). */
  userName: string | null;
  /** Who did it: a user (the owner, an administrator), or null for the system or an anonymous reporter. */
  actorId: number | null;
  actorName: string | null;
  /** The personal access token's record id, when the event is about one. */
  tokenId: number | null;
  /** personal_access_token, access_token or refresh_token. */
  tokenKind: string | null;
  /** base64(SHA-256(token string)). */
  hashedToken: string | null;
  /** The OAuth application, for grant and OAuth token events. */
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** A small JSON object of non-secret facts (why a token was revoked, its scopes …). */
  details: SecurityEventDetails | null;
}

export const SecurityEventEntity = new EntitySchema<SecurityEvent>({
  name: 'SecurityEvent',
  tableName: 'security_events',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    occurredAt: { name: 'occurred_at', type: 'datetime', precision: 3 },
    action: { type: 'varchar', length: 64 },
    userId: { name: 'user_id', type: 'integer', nullable: true },
    userName: { name: 'user_name', type: 'varchar', length: 64, nullable: true },
    actorId: { name: 'actor_id', type: 'integer', nullable: true },
    actorName: { name: 'actor_name', type: 'varchar', length: 64, nullable: true },
    tokenId: { name: 'token_id', type: 'integer', nullable: true },
    tokenKind: { name: 'token_kind', type: 'varchar', length: 32, nullable: true },
    hashedToken: { name: 'hashed_token', type: 'varchar', length: 44, nullable: true },
    clientId: { name: 'client_id', type: 'varchar', length: 255, nullable: true },
    ip: { type: 'varchar', length: 64, nullable: true },
    userAgent: { name: 'user_agent', type: 'varchar', length: 255, nullable: true },
    details: {
      type: 'text',
      nullable: true,
      transformer: {
        to: (value: SecurityEventDetails | null | undefined) => (value == null ? null : JSON.stringify(value)),
        from: (value: string | null) => (value == null ? null : (JSON.parse(value) as SecurityEventDetails)),
      },
    },
  },
  indices: [
    { name: 'idx_security_event_user', columns: ['userId', 'occurredAt'] },
    { name: 'idx_security_event_hashed_token', columns: ['hashedToken'] },
    { name: 'idx_security_event_occurred', columns: ['occurredAt'] },
  ],
});
