import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption of short strings: AES-256-GCM with a random 96-bit IV, written as
 * `iv.tag.ciphertext` (each base64url). Used where something must be kept that only the holder
 * of a key may read: web session data (key derived from the session id), the ids of device codes
 * and provider sessions at rest (key derived from the pepper).
 */
export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/** The plaintext; null when `sealed` was not sealed with `key` (or is not a sealed box at all). */
export function unseal(key: Buffer, sealed: string): string | null {
  try {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', key, iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
