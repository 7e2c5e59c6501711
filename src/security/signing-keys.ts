import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { createSecretFile, readSecretFile } from '../config/secret-file.js';

export interface SigningKeySet {
  keys: JWK[];
}

/**
 * The provider's private signing keys. Production passes them in through JWKS / JWKS_FILE
 * (config); embedded mode generates an RS256 and an ES256 key on first start and keeps them
 * in DATA_DIR/jwks.json (mode 0600), so ID tokens stay verifiable across restarts.
 */
export async function loadOrCreateSigningKeys(configured: SigningKeySet | undefined, dataDir: string): Promise<SigningKeySet> {
  if (configured) return configured;
  return readSecretFile<SigningKeySet>(dataDir, 'jwks.json') ?? createSecretFile(dataDir, 'jwks.json', await generateSigningKeys());
}

/** A fresh private JWK Set: one RS256 key (the default ID token algorithm) and one ES256 key. */
export async function generateSigningKeys(): Promise<SigningKeySet> {
  const keys: JWK[] = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    const jwk = await exportJWK(privateKey);
    keys.push({ ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(jwk) });
  }
  return { keys };
}
