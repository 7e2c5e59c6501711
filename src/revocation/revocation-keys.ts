import { createHash } from 'node:crypto';

/**
 * Revocation-cache keys, one spelling for writers and readers. Digests and ids only,
 * never a raw token.
 */
export const patRevocationKey = (digest: string): string => `pat:${digest}`;
/**
 * An OAuth access/refresh token, by its id (jti). oidc-provider's opaque token value *is* its
 * jti, so the key holds a SHA-256 of it: a Redis key listing must not reveal usable tokens.
 */
export const oauthTokenRevocationKey = (jti: string): string => `oauth:${createHash('sha256').update(jti).digest('base64url')}`;
export const grantRevocationKey = (grantId: string): string => `grant:${grantId}`;
export const clientRevocationKey = (clientId: string): string => `client:${clientId}`;
export const userRevocationKey = (userId: number | string): string => `user:${userId}`;
