import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

interface EmbeddedSecrets {
  tokenPepper: string;
  cookieKeys: string[];
}

/**
 * Embedded mode generates its secret keys on first start and keeps them in DATA_DIR,
 * so tokens and sessions survive restarts without any setup. Production mode never calls this.
 */
export function loadOrCreateEmbeddedSecrets(dataDir: string): EmbeddedSecrets {
  const file = path.join(dataDir, 'secrets.json');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    const existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<EmbeddedSecrets>;
    if (typeof existing.tokenPepper === 'string' && Array.isArray(existing.cookieKeys)) {
      return existing as EmbeddedSecrets;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secrets: EmbeddedSecrets = {
    tokenPepper: randomBytes(32).toString('base64url'),
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
  // 'wx' fails if another process created the file meanwhile; then read theirs.
  try {
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
    return secrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as EmbeddedSecrets;
  }
}
