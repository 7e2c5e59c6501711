import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import type { Clock } from '../clock.js';

/** The proof algorithms the authorization server accepts too (oidc-provider's default). */
export const DPOP_ALGORITHMS = ['ES256', 'Ed25519', 'EdDSA'];
/** How far a proof's `iat` may be from now, seconds (the provider's window). */
const IAT_WINDOW_SECONDS = 300;

/** Remembers proof `jti`s per client while their proofs could be accepted: `false` for one seen before. */
export interface DpopReplay {
  firstUse(clientId: string, jti: string, until: Date): Promise<boolean>;
}

/** Why a proof was refused (RFC 9449 `invalid_dpop_proof`); the message names the check. */
export class DpopProofError extends Error {}

export interface DpopRequest {
  /** The `DPoP` header, if any. */
  proof: string | undefined;
  method: string;
  /** The request's URL as the client addressed it (issuer origin + path), without query or fragment. */
  url: string;
  accessToken: string;
  /** The token's binding: its `cnf.jkt`. */
  jkt: string;
  clientId: string;
}

/**
 * Checks a DPoP proof (RFC 9449 §4.3) for a DPoP-bound access token presented to one of
 * Tessera's own resource routes, as oidc-provider checks one at userinfo: a `dpop+jwt` signed
 * by the key embedded in it, whose thumbprint is the token's `cnf.jkt`; `htm` and `htu` naming
 * this request; a recent `iat`; `ath` the hash of this token; a `jti` never seen before.
 */
export class DpopProofs {
  constructor(
    private readonly replay: DpopReplay,
    private readonly clock: Clock,
  ) {}

  async verify(request: DpopRequest): Promise<void> {
    if (!request.proof) throw new DpopProofError('a DPoP-bound token needs a DPoP proof');
    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      verified = await jwtVerify(request.proof, EmbeddedJWK, { algorithms: DPOP_ALGORITHMS, typ: 'dpop+jwt' });
    } catch {
      throw new DpopProofError('the DPoP proof is not a valid dpop+jwt');
    }
    const { payload, protectedHeader } = verified;
    if (typeof payload.iat !== 'number') throw new DpopProofError('the DPoP proof needs a numeric iat');
    if (typeof payload.jti !== 'string' || !payload.jti || payload.jti.length > 256) throw new DpopProofError('the DPoP proof needs a jti');
    const now = Math.floor(this.clock().getTime() / 1000);
    if (Math.abs(now - payload.iat) > IAT_WINDOW_SECONDS) throw new DpopProofError('the DPoP proof iat is not recent enough');
    if (payload.htm !== request.method) throw new DpopProofError('DPoP proof htm mismatch');
    const htu = typeof payload.htu === 'string' ? URL.parse(payload.htu) : null;
    if (htu) htu.search = htu.hash = '';
    if (!htu || htu.href !== new URL(request.url).href) throw new DpopProofError('DPoP proof htu mismatch');
    if (payload.ath !== createHash('sha256').update(request.accessToken).digest('base64url')) throw new DpopProofError('DPoP proof ath mismatch');
    if ((await calculateJwkThumbprint(protectedHeader.jwk!)) !== request.jkt) throw new DpopProofError('the DPoP proof is not signed by the key the token is bound to');
    const until = new Date((payload.iat + IAT_WINDOW_SECONDS) * 1000);
    if (!(await this.replay.firstUse(request.clientId, payload.jti, until))) throw new DpopProofError('DPoP proof JWT replay detected');
  }
}
