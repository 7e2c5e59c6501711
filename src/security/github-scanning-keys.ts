import fs from 'node:fs';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** GitHub's secret-scanning public keys document (https://api.github.com/meta/public_keys/secret_scanning). */
const keysDocument = z.object({
  public_keys: z
    .array(z.object({ key_identifier: z.string().min(1).max(512), key: z.string().min(1).max(10_000), is_current: z.boolean().optional() }))
    .min(1)
    .max(100),
});

/** A base64 signature as GitHub sends it (DER, about 70 bytes for P-256); longer is refused unread. */
const BASE64 = /^[A-Za-z0-9+/]{1,1024}={0,2}$/;

/**
 * The public keys GitHub signs secret-scanning alerts with, read from the operator's file (Tessera
 * does not fetch them). A request is genuine when its `Github-Public-Key-Signature` is an ECDSA
 * P-256 SHA-256 signature of the raw body under the key its `Github-Public-Key-Identifier` names.
 */
export class GithubScanningKeys {
  constructor(private readonly keys: ReadonlyMap<string, KeyObject>) {}

  /** Reads and checks the file; throws a message naming the problem (a configuration error). */
  static fromFile(file: string): GithubScanningKeys {
    let parsed: z.infer<typeof keysDocument>;
    try {
      parsed = keysDocument.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (err) {
      throw new Error(`GITHUB_SECRET_SCANNING_KEYS_FILE ${file}: not a {"public_keys":[{"key_identifier","key","is_current"}]} document (${err instanceof Error ? err.message.slice(0, 200) : 'unreadable'})`);
    }
    const keys = new Map<string, KeyObject>();
    for (const entry of parsed.public_keys) {
      const key = createPublicKey(entry.key);
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new Error(`GITHUB_SECRET_SCANNING_KEYS_FILE ${file}: key ${entry.key_identifier} is not an ECDSA P-256 public key`);
      }
      keys.set(entry.key_identifier, key);
    }
    return new GithubScanningKeys(keys);
  }

  /** Whether `signature` (base64) over `body` verifies under the key named `identifier`; false for any malformed input. */
  verify(identifier: string | undefined, signature: string | undefined, body: Buffer): boolean {
    if (!identifier || !signature || !BASE64.test(signature)) return false;
    const key = this.keys.get(identifier);
    if (!key) return false;
    try {
      return verify('sha256', body, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }
}
