import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * scrypt password hashing. The parameters travel inside each hash
 * (`scrypt$N$r$p$salt$hash`), so raising the cost later leaves old hashes verifiable.
 */
export class PasswordHasher {
  constructor(private readonly cost: number = 32768) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const options = { N: this.cost, r: 8, p: 1, maxmem: 256 * this.cost * 8 };
    const key = await scryptAsync(password, salt, options);
    return ['scrypt', options.N, options.r, options.p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** Constant-time check; false (never an exception) for a malformed stored hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const N = Number(n);
    const options = { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) };
    const expected = Buffer.from(hash, 'base64url');
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), options);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /**
   * Burns the same time as a real verification, so a missing username answers
   * no faster than a wrong password.
   */
  async verifyAgainstNothing(password: string): Promise<false> {
    await scryptAsync(password, randomBytes(16), { N: this.cost, r: 8, p: 1, maxmem: 256 * this.cost * 8 });
    return false;
  }
}
