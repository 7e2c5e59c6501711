import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { seal as sealWith, unseal as unsealWith } from './sealed-box.js';

/** A new session id: 256 random bits, base64url. Only the cookie ever holds it. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keys a session by: the id itself would be a bearer credential. */
export function sessionDigest(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

/** The synchronizer token for a session's forms, derived from the id so it is never stored. */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('tessera csrf').digest('base64url');
}

function dataKey(sessionId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionId, '', 'tessera web session data', 32));
}

/** Seals session data with a key only the holder of the cookie can derive. */
export function seal(sessionId: string, plaintext: string): string {
  return sealWith(dataKey(sessionId), plaintext);
}

/** Opens sealed data; null when it was not sealed for this session id. */
export function unseal(sessionId: string, sealed: string): string | null {
  return unsealWith(dataKey(sessionId), sealed);
}
