import { EntitySchema } from 'typeorm';

/**
 * A signed-in browser. Keyed by the SHA-256 of the random session id the cookie carries,
 * so the table alone cannot be replayed; `data` is sealed with a key derived from that id.
 */
export interface WebSession {
  idDigest: string;
  userId: number;
  /** AES-256-GCM sealed JSON (flash message, a secret waiting to be shown once), or null. */
  data: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export const WebSessionEntity = new EntitySchema<WebSession>({
  name: 'WebSession',
  tableName: 'web_sessions',
  columns: {
    idDigest: { name: 'id_digest', type: 'varchar', length: 64, primary: true },
    userId: { name: 'user_id', type: 'integer' },
    data: { type: 'text', nullable: true },
    createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
    expiresAt: { name: 'expires_at', type: 'datetime', precision: 3 },
  },
  indices: [
    { name: 'idx_web_session_user', columns: ['userId'] },
    { name: 'idx_web_session_expires', columns: ['expiresAt'] },
  ],
});
