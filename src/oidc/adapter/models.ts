/** Models whose rows live only minutes: in Redis when there is one, else in the database. */
export const SHORT_LIVED_MODELS = new Set([
  'Interaction',
  'AuthorizationCode',
  'DeviceCode',
  'ReplayDetection',
  'PushedAuthorizationRequest',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/**
 * The models oidc-provider revokes by grant id (the ones with a static `revokeByGrantId`; its
 * helpers/revoke.js names the same): what revoking a grant removes (src/oidc/grants.ts), and what
 * the Redis adapter indexes by grant. test/oidc/grants.test.ts checks the provider has no other.
 */
export const GRANT_BOUND_MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode'] as const;

const GRANT_BOUND = new Set<string>(GRANT_BOUND_MODELS);
export const isGrantBound = (model: string): boolean => GRANT_BOUND.has(model);

/** Epoch seconds, as oidc-provider spells time in payloads. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * How long an artifact is kept past its expiry. oidc-provider itself decides expiry (with its
 * clock tolerance) and answers e.g. `expired_token` for an expired device code, which it can
 * only do if the row still exists.
 */
export const EXPIRY_GRACE_SECONDS = 60;
