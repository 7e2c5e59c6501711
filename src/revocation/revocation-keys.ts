/**
 * Revocation-cache keys, one spelling for writers and readers. Digests and ids only,
 * never a raw token.
 */
export const patRevocationKey = (digest: string): string => `pat:${digest}`;
/**
 * An OAuth access/refresh token, by the adapter's storage key for it (ArtifactKeys: an HMAC of
 * the token value, which *is* its jti), so a Redis key listing never reveals usable tokens.
 */
export const oauthTokenRevocationKey = (storageKey: string): string => `oauth:${storageKey}`;
export const grantRevocationKey = (grantId: string): string => `grant:${grantId}`;
export const clientRevocationKey = (clientId: string): string => `client:${clientId}`;
export const userRevocationKey = (userId: number | string): string => `user:${userId}`;
