import type { RevocationHook } from '../oidc/adapter/index.js';
import type { ClientChangeHook } from '../services/application-service.js';
import { clientRevocationKey, grantRevocationKey, oauthTokenRevocationKey } from './revocation-keys.js';
import type { RevocationNotifier } from './revocation-notifier.js';

/** The oidc-provider models introspection answers for, by their revocation key. */
const TOKEN_MODELS = new Set(['AccessToken', 'ClientCredentials', 'RefreshToken']);

/**
 * The adapter's RevocationHook, forwarded to the revocation cache: a destroyed or consumed
 * token (RFC 7009 revocation, refresh rotation, grant or app revocation) marks `oauth:<storage key>`,
 * a destroyed grant marks `grant:<id>` (which every token issued under it depends on).
 * Other models (codes, sessions, interactions) are never introspected.
 */
export function oauthRevocationHook(revocations: Pick<RevocationNotifier, 'revoked'>): RevocationHook {
  return function recordOAuthRevocation(model, id, expiresAt) {
    if (TOKEN_MODELS.has(model)) return revocations.revoked(oauthTokenRevocationKey(id), expiresAt);
    if (model === 'Grant') return revocations.revoked(grantRevocationKey(id), expiresAt);
    return undefined;
  };
}

/**
 * An app's secret or permissions changed → `client:<id>` bumped (introspection callers re-read
 * it); the app was deleted → `client:<id>` revoked (every token issued to it, and the app as
 * a caller, are dead).
 */
export function clientChangeHook(revocations: Pick<RevocationNotifier, 'revoked' | 'changed'>): ClientChangeHook {
  return function recordClientChange(clientId, change) {
    const key = clientRevocationKey(clientId);
    return change === 'deleted' ? revocations.revoked(key) : revocations.changed(key);
  };
}
