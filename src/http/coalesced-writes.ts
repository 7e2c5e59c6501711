import type { ServerResponse } from 'node:http';

/**
 * Sends finished responses together, once per event-loop turn (in the check phase), instead of
 * one by one as each is ready.
 *
 * Why: on loopback and in VMs a socket write that wakes a sleeping peer costs far more than the
 * write itself, and a request that needs no I/O (a garbage token, say) would otherwise write
 * between two pieces of work, waking the client every time. Written back to back, the writes
 * after the first find the peer awake. Under load this halved the introspection endpoint's CPU
 * per request (docs/performance.md); when idle it delays an answer by one loop turn, microseconds.
 */
export class CoalescedWrites {
  private queue: (ServerResponse | string)[] = [];
  private readonly flush = (): void => {
    const queue = this.queue;
    this.queue = [];
    for (let i = 0; i < queue.length; i += 2) (queue[i] as ServerResponse).end(queue[i + 1] as string);
  };

  /** Ends `res` with `body` (headers already set with writeHead) at the end of this loop turn. */
  end(res: ServerResponse, body: string): void {
    if (this.queue.push(res, body) === 2) setImmediate(this.flush);
  }
}
