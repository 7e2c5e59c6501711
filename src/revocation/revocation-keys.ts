/**
 * Revocation-cache keys, one spelling for writers and readers. Digests and ids only,
 * never a raw token.
 */
export const patRevocationKey = (digest: string): string => `pat:${digest}`;
/** An OAuth access/refresh token, by its id (jti). */
export const oauthTokenRevocationKey = (jti: string): string => `oauth:${jti}`;
export const grantRevocationKey = (grantId: string): string => `grant:${grantId}`;
export const clientRevocationKey = (clientId: string): string => `client:${clientId}`;
export const userRevocationKey = (userId: number | string): string => `user:${userId}`;
