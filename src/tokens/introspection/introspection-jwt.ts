import { importJWK, SignJWT, type JWK } from 'jose';
import type { SigningKeySet } from '../../security/signing-keys.js';
import type { JwtSigner } from './introspection-response.js';

/** The key (and its algorithm) that signs introspection responses: the RS256 key if there is one, else the first. */
export function introspectionSigningKey(keys: SigningKeySet): { jwk: JWK; alg: string } {
  const jwk: JWK | undefined = keys.keys.find((k) => k.alg === 'RS256') ?? keys.keys[0];
  if (!jwk) throw new Error('no signing key available for JWT introspection responses');
  return { jwk, alg: jwk.alg ?? 'RS256' };
}

/**
 * Signs RFC 9701 introspection responses with the provider's own signing key, so resource
 * servers verify them against the JWKS endpoint they already use for ID tokens (discovery's
 * introspection_signing_alg_values_supported names its algorithm). The key is imported once, on first use.
 */
export function introspectionJwtSigner(keys: SigningKeySet): JwtSigner {
  const { jwk, alg } = introspectionSigningKey(keys);
  let key: ReturnType<typeof importJWK> | undefined;
  return async function signIntrospectionJwt(payload, typ) {
    key ??= importJWK(jwk, alg);
    return new SignJWT(payload).setProtectedHeader({ alg, typ, ...(jwk.kid ? { kid: jwk.kid } : {}) }).sign(await key);
  };
}
