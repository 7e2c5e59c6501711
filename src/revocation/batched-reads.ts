/**
 * Gathers the key reads asked for during one event-loop turn into a single multi-key read,
 * sent in the check phase (setImmediate), each key once.
 *
 * Why: under load every introspection asks for two or three keys (its caller's, its token's,
 * the token's owner's), and the caller's key is the same for every request a resource server
 * sends. One MGET per loop turn instead of one per request saves the client and the Redis server
 * most of their per-command work; it waits for nothing but the end of the current turn. A read
 * still starts after the request that needs it arrived, so a revocation that completed before
 * that is seen.
 */
export class BatchedReads {
  private pending: { keys: Map<string, number>; waiters: Waiter[] } | null = null;

  constructor(private readonly readMany: (keys: string[]) => Promise<(string | null)[]>) {}

  read(keys: string[]): Promise<(string | null)[]> {
    return new Promise((resolve, reject) => {
      if (!this.pending) {
        this.pending = { keys: new Map(), waiters: [] };
        setImmediate(this.flush);
      }
      const batch = this.pending.keys;
      const positions = keys.map((key) => {
        let position = batch.get(key);
        if (position === undefined) batch.set(key, (position = batch.size));
        return position;
      });
      this.pending.waiters.push({ positions, resolve, reject });
    });
  }

  private readonly flush = (): void => {
    const { keys, waiters } = this.pending!;
    this.pending = null;
    this.readMany([...keys.keys()]).then(
      (values) => {
        for (const waiter of waiters) waiter.resolve(waiter.positions.map((p) => values[p] ?? null));
      },
      (err: unknown) => {
        for (const waiter of waiters) waiter.reject(err);
      },
    );
  };
}

interface Waiter {
  positions: number[];
  resolve(values: (string | null)[]): void;
  reject(err: unknown): void;
}
