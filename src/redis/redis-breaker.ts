import type { Logger } from '../logger.js';
import { BackendUnavailable } from '../errors.js';

/** Redis is PINGed this often: to notice a stall even when no request asks it, and to notice its end. */
export const HEARTBEAT_INTERVAL_MS = 500;

/** What Redis users with no cheap fallback need: wait for Redis unless it is known to be stalled. */
export interface RedisGuard {
  /** True while Redis is treated as stalled: callers go to their fallback without asking it. */
  readonly isOpen: boolean;
  /**
   * `command()`'s result, or a BackendUnavailable rejection: at once while the breaker is open, or
   * as soon as it opens while the command waits. The command keeps its connection's own timeout;
   * it is left to finish (or fail) there.
   */
  call<T>(command: () => Promise<T>): Promise<T>;
}

/**
 * A circuit breaker in front of Redis. A Redis that stops answering (paused, overloaded, a
 * half-open connection) does not close its connections, so without it every request would wait
 * for a timeout of its own.
 *
 * The breaker opens when a command on the revocation path (`ask`, `await`: reads of revocation
 * states and marker writes, which have a cheap and exact fallback in the database) or the
 * heartbeat PING takes longer than `timeoutMs`. While it is open, Redis users do not ask Redis:
 * revocation reads go to the database, throttles count in memory, provider artifacts answer 503;
 * and whatever was waiting for Redis (`call`) is released at once. The heartbeat keeps PINGing;
 * the first PING answered within the timeout closes the breaker again, and `onRecovered`
 * listeners run (the revocation cache starts a new generation, so nothing cached before the stall
 * is trusted). So a stall costs a request at most one timeout, or the wait for the next heartbeat.
 *
 * Timeouts tolerate event-loop lag: when the timer fires, the reply may be sitting unread in the
 * socket because the loop was busy; the decision waits one turn (setImmediate runs after the poll
 * phase), so such a reply wins instead of opening the breaker.
 */
export class RedisBreaker implements RedisGuard {
  private open = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly waiting = new Set<(err: BackendUnavailable) => void>();
  private readonly recoveredListeners: (() => void)[] = [];

  constructor(
    /** A PING on one of the instance's Redis connections. */
    private readonly ping: () => Promise<unknown>,
    readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    let pinging = false;
    this.heartbeat = setInterval(() => {
      if (pinging) return;
      pinging = true;
      this.await(ping()).then(
        () => {
          pinging = false;
          this.recover();
        },
        () => {
          pinging = false;
        },
      );
    }, HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Asks Redis for at most the timeout (which opens the breaker); refused at once while it is open. */
  ask<T>(command: () => Promise<T>): Promise<T> {
    if (this.open) return Promise.reject(unavailable('Redis is not answering'));
    return this.await(command());
  }

  /** Waits at most the timeout for a command already sent (sent even while the breaker is open: a marker write must reach Redis once it answers). */
  await<T>(sent: Promise<T>): Promise<T> {
    return withDeadline(sent, this.timeoutMs).catch((err: unknown) => {
      if (err instanceof RedisTimeout) {
        this.trip();
        throw unavailable(err.message);
      }
      throw err;
    });
  }

  call<T>(command: () => Promise<T>): Promise<T> {
    if (this.open) return Promise.reject(unavailable('Redis is not answering'));
    return new Promise<T>((resolve, reject) => {
      const release = (err: BackendUnavailable) => reject(err);
      let sent: Promise<T>;
      try {
        sent = command();
      } catch (err) {
        reject(err);
        return;
      }
      this.waiting.add(release);
      sent.then(
        (value) => {
          this.waiting.delete(release);
          resolve(value);
        },
        (err: unknown) => {
          this.waiting.delete(release);
          reject(err);
        },
      );
    });
  }

  /** Called when Redis answers again after having been stalled. */
  onRecovered(listener: () => void): void {
    this.recoveredListeners.push(listener);
  }

  /** Stops the heartbeat (shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
  }

  private trip(): void {
    if (this.open) return;
    this.open = true;
    this.logger.error({ timeoutMs: this.timeoutMs }, 'redis not answering in time; using the database and in-memory fallbacks until it does');
    const released = unavailable('Redis stopped answering');
    for (const release of this.waiting) release(released);
    this.waiting.clear();
  }

  private recover(): void {
    if (!this.open) return;
    this.open = false;
    this.logger.info('redis answering again');
    for (const listener of this.recoveredListeners) listener();
  }
}

const unavailable = (detail: string) => new BackendUnavailable('redis', detail);

class RedisTimeout extends Error {}

/**
 * `promise`, or a RedisTimeout once `ms` have passed and a reply that had already arrived still
 * has not been handled after one more event-loop turn.
 */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new RedisTimeout(`redis did not answer within ${ms} ms`));
      });
    }, ms);
    promise.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
