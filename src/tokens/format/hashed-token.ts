import { createHash } from 'node:crypto';

/**
 * A token's public hash: base64 of the SHA-256 of the token string, as GitHub's audit log
 * shows `hashed_token`. Not a secret and not the stored digest (that one is keyed with the
 * pepper): anyone holding a token computes it to find the token's security-log entries.
 */
export function hashedToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64');
}
