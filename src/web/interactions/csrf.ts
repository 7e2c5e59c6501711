import { createHmac } from 'node:crypto';
import { tokensEqual } from '../../security/tokens-equal.js';

/**
 * CSRF tokens for the sign-in and consent forms: HMAC(cookie key, interaction uid). Bound to
 * one interaction, derivable on any instance (no state), compared in constant time. The
 * interaction cookie is SameSite=Lax as well; this makes the forms safe without relying on it.
 */
export class InteractionCsrf {
  constructor(private readonly key: string) {}

  tokenFor(uid: string): string {
    return createHmac('sha256', this.key).update(`interaction-csrf:${uid}`).digest('base64url');
  }

  verify(uid: string, presented: unknown): boolean {
    return tokensEqual(this.tokenFor(uid), presented);
  }
}
