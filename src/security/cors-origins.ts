/** Whether a page of this origin may read Tessera's answers (CORS). */
export type OriginPolicy = (origin: string) => boolean;

/**
 * The operator's allowlist of web origins (CORS_ORIGINS), compared exactly as browsers send
 * `Origin`. `null` (sandboxed frames, files) is never allowed.
 */
export function originAllowlist(origins: readonly string[]): OriginPolicy {
  const allowed = new Set(origins);
  return (origin) => origin !== 'null' && allowed.has(origin);
}

/**
 * The exposed response headers a cross-origin page may read from the JSON API. Add new ones
 * here (e.g. a token-expiry header): browsers hide every header not listed.
 */
export const API_EXPOSED_HEADERS = ['Location', 'X-Total-Count', 'X-Request-Id', 'Retry-After', 'WWW-Authenticate', 'Tessera-Token-Expiration'];
