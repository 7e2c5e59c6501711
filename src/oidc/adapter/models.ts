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

/** The models oidc-provider revokes by grant id (see its helpers/revoke.js). */
export const GRANTABLE_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Epoch seconds, as oidc-provider spells time in payloads. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * How long an artifact is kept past its expiry. oidc-provider itself decides expiry (with its
 * clock tolerance) and answers e.g. `expired_token` for an expired device code, which it can
 * only do if the row still exists.
 */
export const EXPIRY_GRACE_SECONDS = 60;
