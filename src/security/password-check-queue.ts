import pLimit, { type LimitFunction } from 'p-limit';

/** How many password checks may run at once, wait, and be running or waiting for one address. */
export interface PasswordCheckBounds {
  concurrency: number;
  queue: number;
  perAddress: number;
}

export type Queued<T> = { ran: true; value: T } | { ran: false; full: 'address' | 'server' };

/**
 * Bounds the slow password hashing (scrypt runs on libuv's small thread pool): at most
 * `concurrency` checks run, at most `queue` more wait their turn, and one address holds at most
 * `perAddress` of those places, so a flood from one address cannot keep everybody else waiting.
 * Past a bound the check does not happen and the caller answers at once. Per instance: it
 * protects this process's threads.
 */
export class PasswordCheckQueue {
  private readonly limit: LimitFunction;
  private readonly heldBy = new Map<string, number>();

  constructor(private readonly bounds: PasswordCheckBounds) {
    this.limit = pLimit(bounds.concurrency);
  }

  async run<T>(address: string, check: () => Promise<T>): Promise<Queued<T>> {
    const held = this.heldBy.get(address) ?? 0;
    if (held >= this.bounds.perAddress) return { ran: false, full: 'address' };
    if (this.limit.activeCount + this.limit.pendingCount >= this.bounds.concurrency + this.bounds.queue) return { ran: false, full: 'server' };
    this.heldBy.set(address, held + 1);
    try {
      return { ran: true, value: await this.limit(check) };
    } finally {
      const left = (this.heldBy.get(address) ?? 1) - 1;
      if (left) this.heldBy.set(address, left);
      else this.heldBy.delete(address);
    }
  }
}
