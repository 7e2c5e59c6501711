import type { Middleware } from 'koa';
import { ApiError, message } from '../../errors.js';
import type { ScopeRegistry } from '../../scopes/scope-registry.js';
import type { IntrospectionContext, TokenRefusal } from '../../tokens/introspection/active-token.js';
import type { IntrospectorChain } from '../../tokens/introspection/introspector-chain.js';
import { DPOP_ALGORITHMS, DpopProofError, type DpopProofs } from '../../security/dpop-proof.js';
import { parseAuthorization } from '../credentials.js';
import type { TokenState } from '../state.js';
import { failedAuthentication, refuseIfThrottled, type FailureThrottle } from '../failed-authentication.js';

/** What checking a presented token needs: the introspectors, the throttle on failed attempts, DPoP proofs. */
export interface TokenAuth {
  introspector: Pick<IntrospectorChain, 'introspect' | 'remembers'>;
  throttle: FailureThrottle;
  dpop: Pick<DpopProofs, 'verify'>;
  /** The origin clients address (ISSUER's): a DPoP proof's `htu` names it. */
  origin: string;
}

const REALM = 'realm="tessera"';

/** On every answer to a request a personal access token authenticated, as GitHub's `GitHub-Authentication-Token-Expiration`. */
export const TOKEN_EXPIRATION_HEADER = 'Tessera-Token-Expiration';

/** `2027-01-31 12:00:00 UTC`: the token's expiry, to the second. */
export function tokenExpiration(expiresAt: Date): string {
  return `${expiresAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
/** What the 401 says when the introspector could tell why a recognised token is refused. */
const REFUSALS: Record<TokenRefusal, { message: 'auth.token_max_lifetime' | 'auth.token_idle' | 'auth.token_reused'; description: string }> = {
  max_lifetime: { message: 'auth.token_max_lifetime', description: 'the token is older than the maximum lifetime now allowed' },
  idle: { message: 'auth.token_idle', description: 'the token was revoked for inactivity' },
  reuse: { message: 'auth.token_reused', description: 'the token was revoked: a rotated-away secret was reused' },
};

/** The 401 for a token that is not (or no longer) good. */
export function invalidTokenError(refusal?: TokenRefusal): ApiError {
  const known = refusal ? REFUSALS[refusal] : undefined;
  return new ApiError(401, 'invalid_token', message(known?.message ?? 'auth.invalid_token'), {
    'WWW-Authenticate': [
      `Bearer ${REALM}, error="invalid_token", error_description="${known?.description ?? 'the access token is invalid, expired or revoked'}"`,
      BASIC_CHALLENGE,
    ],
  });
}

// git and curl only prompt for credentials when offered Basic.
const BASIC_CHALLENGE = 'Basic realm="tessera", charset="UTF-8"';

/**
 * Protects a resource route with a token (PAT or OAuth access token), per RFC 6750:
 * 401 + `error="invalid_token"` for a bad token, 403 + `error="insufficient_scope"` for
 * missing scopes. The token may come as `Bearer`, `token`, or as the Basic password. A token that
 * fails counts against the client's address (TokenAuthThrottle); past the limit, tokens this
 * instance has not verified before get 429 without a lookup.
 */
export function requireScopes({ introspector, throttle, dpop, origin }: TokenAuth, registry: ScopeRegistry, ...required: string[]): Middleware<TokenState> {
  const scopeParam = required.length ? `, scope="${required.join(' ')}"` : '';
  return async function requireTokenScopes(ctx, next) {
    const credentials = parseAuthorization(ctx.get('Authorization') || undefined);
    const presented = credentials.scheme === 'bearer' || credentials.scheme === 'dpop' ? credentials.token : credentials.scheme === 'basic' ? credentials.password : undefined;
    if (!presented) {
      // RFC 6750 §3.1 lets a bare challenge answer a request with no credentials; we name the
      // error anyway, so clients and scripts handle "no token" and "bad token" with one rule.
      const challenge =
        credentials.scheme === 'none' ? `Bearer ${REALM}, error="invalid_token"${scopeParam}` : `Bearer ${REALM}, error="invalid_request"`;
      throw new ApiError(401, credentials.scheme === 'none' ? 'invalid_token' : 'invalid_request',
        message(credentials.scheme === 'none' ? 'auth.token_required' : 'auth.malformed_header'),
        { 'WWW-Authenticate': [challenge, BASIC_CHALLENGE] });
    }
    if (!introspector.remembers(presented)) await refuseIfThrottled(throttle, ctx.ip);
    const context: IntrospectionContext = { ip: ctx.ip, userAgent: ctx.get('User-Agent') || undefined };
    const found = await introspector.introspect(presented, context);
    // A refresh token is for the token endpoint only, never a bearer credential.
    const token = found?.kind === 'refresh_token' ? null : found;
    if (!token) {
      throw await failedAuthentication(throttle, ctx.ip, invalidTokenError(context.refusal));
    }
    // RFC 9449 §7: a DPoP-bound token only with the DPoP scheme and a proof; DPoP only for a bound token.
    const jkt = token.confirmation?.jkt;
    if (jkt || credentials.scheme === 'dpop') {
      try {
        if (!jkt || credentials.scheme !== 'dpop') throw new DpopProofError(jkt ? 'a DPoP-bound token must be sent with the DPoP scheme' : 'the token is not DPoP-bound');
        await dpop.verify({ proof: ctx.get('DPoP') || undefined, method: ctx.method, url: origin + ctx.path, accessToken: presented, jkt, clientId: token.clientId ?? '' });
      } catch (err) {
        if (!(err instanceof DpopProofError)) throw err;
        throw await failedAuthentication(
          throttle,
          ctx.ip,
          new ApiError(401, 'invalid_dpop_proof', err.message, {
            'WWW-Authenticate': [`DPoP ${REALM}, error="invalid_dpop_proof", algs="${DPOP_ALGORITHMS.join(' ')}"`, `Bearer ${REALM}`],
          }),
        );
      }
    }
    if (token.kind === 'personal_access_token' && token.expiresAt) ctx.set(TOKEN_EXPIRATION_HEADER, tokenExpiration(token.expiresAt));
    if (!registry.satisfies(token.scopes, required)) {
      throw new ApiError(403, 'insufficient_scope', message('auth.insufficient_scope', { scopes: required.join(' ') }), {
        'WWW-Authenticate': `Bearer ${REALM}, error="insufficient_scope"${scopeParam}`,
      });
    }
    ctx.state.token = token;
    return next();
  };
}
