import { createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { encodeBase62, randomBase62 } from './base62.js';

/** 30 base62 characters ≈ 178 bits of randomness (GitHub's format). */
export const PAT_RANDOM_LENGTH = 30;
export const PAT_CHECKSUM_LENGTH = 6;

const BASE62_RUN = /^[0-9A-Za-z]+$/;

/**
 * The personal-access-token string strategy: `<prefix><30 random base62><6 base62 CRC32>`.
 * The checksum lets the server (and secret scanners) reject malformed strings with no lookup;
 * the keyed digest is what storage is indexed by, never the token itself.
 */
export class PatFormat {
  readonly length: number;

  constructor(
    readonly prefix: string,
    private readonly pepper: string,
  ) {
    this.length = prefix.length + PAT_RANDOM_LENGTH + PAT_CHECKSUM_LENGTH;
  }

  /** A new token string. */
  generate(): string {
    const body = this.prefix + randomBase62(PAT_RANDOM_LENGTH);
    return body + checksum(body);
  }

  /** Cheap, I/O-free shape check: prefix, length, alphabet, checksum. */
  isWellFormed(token: string): boolean {
    if (token.length !== this.length || !token.startsWith(this.prefix)) return false;
    const rest = token.slice(this.prefix.length);
    if (!BASE62_RUN.test(rest)) return false;
    const body = token.slice(0, this.length - PAT_CHECKSUM_LENGTH);
    return checksum(body) === token.slice(-PAT_CHECKSUM_LENGTH);
  }

  /** HMAC-SHA-256 of the token under the server's pepper, hex: the only form ever stored. */
  digest(token: string): string {
    return createHmac('sha256', this.pepper).update(token).digest('hex');
  }

  /** The last four characters, shown in lists so people can tell tokens apart. */
  lastFour(token: string): string {
    return token.slice(-4);
  }
}

function checksum(body: string): string {
  return encodeBase62(crc32(body), PAT_CHECKSUM_LENGTH);
}
