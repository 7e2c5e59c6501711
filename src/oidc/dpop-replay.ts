import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { DpopReplay } from '../security/dpop-proof.js';

/**
 * DPoP proof `jti`s seen at Tessera's own resource routes, kept where the provider keeps those it
 * sees (its ReplayDetection model, stored insert-once by the adapter): one replay space for the
 * whole server. A lost race to save the same id is a replay (src/oidc/adapter/single-use.ts).
 */
export function dpopReplay(provider: Provider): DpopReplay {
  return {
    async firstUse(clientId, jti, until) {
      try {
        return await provider.ReplayDetection.unique(clientId, jti, Math.ceil(until.getTime() / 1000));
      } catch (err) {
        if (err instanceof errors.InvalidToken || err instanceof errors.InvalidGrant) return false;
        throw err;
      }
    },
  };
}
