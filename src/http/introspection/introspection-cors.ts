import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../errors.js';
import type { OriginPolicy } from '../../security/cors-origins.js';

/**
 * CORS for the introspection endpoint, answered as oidc-provider answers its own client-authenticated
 * endpoints (token, revocation: `lib/shared/cors.js`), so one browser client sees one behaviour:
 *
 * - a preflight (`OPTIONS` with `Access-Control-Request-Method`) is allowed for any origin, since the
 *   client is not known yet: POST, the requested headers, cached for an hour;
 * - an actual request from a page carries `Access-Control-Allow-Origin` for its origin, and once the
 *   caller is authenticated, an origin the policy does not allow for it is refused with 400
 *   `invalid_request` and no CORS headers. Introspection callers are confidential apps, for which
 *   only CORS_ORIGINS allows an origin (see src/oidc/cors.ts);
 * - never Access-Control-Allow-Credentials.
 */
export function preflightHeaders(req: IncomingMessage): Record<string, string> | null {
  const origin = req.headers.origin;
  if (req.method !== 'OPTIONS' || !origin || !req.headers['access-control-request-method']) return null;
  const requested = req.headers['access-control-request-headers'];
  return {
    Vary: 'Origin',
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'POST',
    'Access-Control-Max-Age': '3600',
    ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
  };
}

/** The headers of an actual cross-origin answer (the challenge is readable, as the provider exposes it). */
export function crossOriginHeaders(origin: string): Record<string, string> {
  return { Vary: 'Origin', 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'WWW-Authenticate' };
}

/** A page's origin the policy does not allow for this caller: answered without CORS headers. */
export class OriginRefused extends ApiError {
  constructor(origin: string, clientId: string) {
    super(400, 'invalid_request', `origin ${origin} not allowed for client: ${clientId}`);
  }
}

/** Throws OriginRefused unless the request has no Origin or the policy allows it. */
export function checkOrigin(req: IncomingMessage, allowed: OriginPolicy, clientId: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed(origin)) throw new OriginRefused(origin, clientId);
}
