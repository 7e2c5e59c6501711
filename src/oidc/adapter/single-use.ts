import Provider, { errors } from 'oidc-provider';
import { revokeGrant } from '../grants.js';

/**
 * What an adapter does when it loses the race to consume an artifact. oidc-provider checks
 * `consumed` and then calls `consume()`; requests arriving together all pass the check, so the
 * adapter's atomic consume is where single use is decided. A loser is reuse, exactly as if it
 * had come second: the grant is revoked (taking the winner's fresh tokens with it, as
 * sequential reuse does) and the request fails with the error the provider gives for reuse.
 */
export type ReuseHandler = (model: string, grantId: string | undefined) => Promise<never>;

/** The error oidc-provider answers when it sees the artifact already consumed. */
function reuseError(model: string): Error {
  switch (model) {
    case 'RefreshToken':
      return new errors.InvalidGrant('refresh token already used');
    case 'AuthorizationCode':
      return new errors.InvalidGrant('authorization code already consumed');
    case 'DeviceCode':
      return new errors.InvalidGrant('device code already consumed');
    case 'PushedAuthorizationRequest':
      return new errors.InvalidRequestUri('request_uri is invalid, expired, or was already used');
    default:
      return new errors.InvalidGrant('grant source already consumed');
  }
}

/**
 * oidc-provider's ReplayDetection (DPoP proof `jti`s, the only use Tessera enables) looks the id
 * up and then saves it; the adapter saves it only if absent, and a request that finds it was
 * saved meanwhile is a replay, answered as the provider answers one it sees: invalid_grant at
 * the token endpoint, invalid_token where an access token is presented (helpers/validate_dpop.js).
 */
export function replayDetected(): Error {
  const route = Provider.ctx?.oidc?.route;
  const detail = 'DPoP proof JWT Replay detected';
  return route === 'token' ? new errors.InvalidGrant(detail) : new errors.InvalidToken(detail);
}

/**
 * A ReuseHandler that revokes the grant as the provider does (src/oidc/grants.ts), then throws the
 * reuse error. Artifacts are consumed only by the provider's token endpoint, so there is always
 * one of its requests, and through it the provider, to revoke with.
 */
export function treatAsReuse(): ReuseHandler {
  return async function reuseDetected(model, grantId) {
    const provider = Provider.ctx?.oidc.provider;
    if (!provider) throw new Error(`${model} consumed outside an authorization server request`);
    if (grantId) await revokeGrant(provider, grantId);
    throw reuseError(model);
  };
}
