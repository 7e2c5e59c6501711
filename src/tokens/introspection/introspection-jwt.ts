import { importJWK, SignJWT, type JWK } from 'jose';
import type { SigningKeySet } from '../../oidc/signing-keys.js';
import type { JwtSigner } from './introspection-response.js';

/**
 * Signs RFC 9701 introspection responses with the provider's own signing key (the RS256 key
 * if there is one, else the first), so resource servers verify them against the JWKS
 * endpoint they already use for ID tokens. The key is imported once, on first use.
 */
export function introspectionJwtSigner(keys: SigningKeySet): JwtSigner {
  const jwk: JWK | undefined = keys.keys.find((k) => k.alg === 'RS256') ?? keys.keys[0];
  if (!jwk) throw new Error('no signing key available for JWT introspection responses');
  const alg = jwk.alg ?? 'RS256';
  let key: ReturnType<typeof importJWK> | undefined;
  return async function signIntrospectionJwt(payload, typ) {
    key ??= importJWK(jwk, alg);
    return new SignJWT(payload).setProtectedHeader({ alg, typ, ...(jwk.kid ? { kid: jwk.kid } : {}) }).sign(await key);
  };
}
