import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Remembers a keyed digest (an HMAC under the server's pepper) by a plain SHA-256 of its input.
 * On the introspection hot path this matters: Node's createHmac builds a key and an object per
 * call, several times the cost of one-shot `crypto.hash`. Memory only, bounded; it holds no input
 * in the clear, and nothing a process that holds the pepper could not compute anyway.
 */
export class DigestMemo {
  private readonly memo: LRUCache<string, string>;

  constructor(
    private readonly digest: (input: string) => string,
    max = 50_000,
  ) {
    this.memo = new LRUCache<string, string>({ max });
  }

  of(input: string): string {
    const key = hash('sha256', input, 'base64');
    let digest = this.memo.get(key);
    if (digest === undefined) {
      digest = this.digest(input);
      this.memo.set(key, digest);
    }
    return digest;
  }
}
