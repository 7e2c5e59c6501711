import { createHmac, randomBytes } from 'node:crypto';
import { tokensEqual } from './tokens-equal.js';

/** Prefix of generated client secrets, so secret scanners can recognise them. */
const SECRET_PREFIX = 'tcs_';

/**
 * Client secrets, stored hashed. oidc-provider compares a presented secret by calling
 * `client.compareClientSecret(presented)` (awaited, and meant to be overridden for hashed
 * secrets: panva/node-oidc-provider#631). The client's stored `client_secret` is our digest,
 * and the override digests the presented secret before a constant-time compare.
 */
export class ClientSecrets {
  constructor(private readonly pepper: string) {}

  generate(): string {
    return SECRET_PREFIX + randomBytes(32).toString('base64url');
  }

  /** HMAC-SHA-256(pepper, secret), hex: the only form ever stored. */
  digest(secret: string): string {
    return createHmac('sha256', this.pepper).update(secret).digest('hex');
  }

  /** True when `presented` is the secret whose digest is `storedDigest`; constant time. */
  matches(presented: string, storedDigest: string | undefined): boolean {
    if (!storedDigest) return false;
    return tokensEqual(storedDigest, this.digest(presented));
  }
}
