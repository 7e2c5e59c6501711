import { randomBytes } from 'node:crypto';
import { createSecretFile, readSecretFile } from './secret-file.js';

const FILE = 'secrets.json';

interface EmbeddedSecrets {
  tokenPepper: string;
  cookieKeys: string[];
}

/**
 * Embedded mode generates its secret keys on first start and keeps them in DATA_DIR,
 * so tokens and sessions survive restarts without any setup. Production mode never calls this.
 */
export function loadOrCreateEmbeddedSecrets(dataDir: string): EmbeddedSecrets {
  const existing = readSecretFile<Partial<EmbeddedSecrets>>(dataDir, FILE);
  if (typeof existing?.tokenPepper === 'string' && Array.isArray(existing.cookieKeys)) return existing as EmbeddedSecrets;
  return createSecretFile<EmbeddedSecrets>(dataDir, FILE, {
    tokenPepper: randomBytes(32).toString('base64url'),
    cookieKeys: [randomBytes(32).toString('base64url')],
  });
}
