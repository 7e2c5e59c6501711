import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { BatchedReads } from './batched-reads.js';
import { noRevocationReadMetrics, REVOKED, type RevocationCache, type RevocationReadMetrics, type RevocationReadResult } from './revocation-cache.js';

// Atomically: leave a revoked key revoked, otherwise count one more change; refresh the TTL.
const BUMP_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[2] then return v end
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return n`;

/** How long a read of revocation states may take before callers fall back to MySQL. */
export const READ_TIMEOUT_MS = 1000;

/**
 * Revocations in Redis, shared by every instance, plus a pub/sub channel so each
 * instance can drop what it cached at once. The subscriber needs its own connection.
 *
 * Reads and writes fail differently on purpose. A read that takes too long (Redis paused, a
 * half-open connection) is abandoned after READ_TIMEOUT_MS and the caller asks MySQL: slower,
 * still right. A marker write is never abandoned while the connection stands: a revoke must not
 * return before its marker is there, or instances still trusting memory would miss it. It fails
 * only when the connection drops, and then every instance has stopped trusting memory, and
 * starts a new generation when Redis is back. So the connection given here must have no
 * `commandTimeout`.
 */
export class RedisRevocationCache implements RevocationCache {
  private readonly listeners: ((key: string) => void)[] = [];
  private readonly channel: string;
  private subscribed = false;
  private currentGeneration = 0;
  private unavailable = false;
  private closed = false;
  private readonly reads: BatchedReads;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    metrics: RevocationReadMetrics = noRevocationReadMetrics,
  ) {
    this.channel = `${prefix}revocations`;
    this.reads = new BatchedReads((keys) => {
      const started = performance.now();
      return withTimeout(redis.mget(keys), READ_TIMEOUT_MS, (result) => metrics.read((performance.now() - started) / 1000, result));
    });
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === this.channel) for (const listener of this.listeners) listener(key);
    });
    // Revocations made while Redis was away were only written to MySQL, and pub/sub
    // messages were lost: a new generation tells caches to re-read everything.
    const lost = () => {
      this.unavailable = true;
    };
    const back = () => {
      if (this.unavailable) this.currentGeneration++;
      this.unavailable = false;
    };
    for (const connection of [redis, subscriber]) {
      connection.on('error', lost);
      connection.on('close', lost);
      connection.on('ready', back);
    }
  }

  generation(): number {
    return this.currentGeneration;
  }

  /** True while either connection is down; callers must not trust cached answers then. */
  get degraded(): boolean {
    return this.unavailable || this.redis.status !== 'ready';
  }

  async state(key: string): Promise<string | null> {
    if (this.degraded) throw new Error('redis unavailable');
    return this.redis.get(this.prefix + key);
  }

  /** Read together with every other key asked for in this event-loop turn (BatchedReads). */
  states(keys: string[]): Promise<(string | null)[]> {
    if (this.degraded) return Promise.reject(new Error('redis unavailable'));
    return this.reads.read(keys.map((k) => this.prefix + k));
  }

  async revoke(key: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, REVOKED, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    await this.redis.publish(this.channel, key);
  }

  async bump(key: string, ttlSeconds: number): Promise<void> {
    await this.redis.eval(BUMP_SCRIPT, 1, this.prefix + key, Math.max(1, Math.ceil(ttlSeconds)), REVOKED);
    await this.redis.publish(this.channel, key);
  }

  subscribe(listener: (key: string) => void): void {
    this.listeners.push(listener);
    if (!this.subscribed) {
      this.subscribed = true;
      // ioredis re-subscribes by itself after a reconnect.
      this.subscriber.subscribe(this.channel).catch(() => undefined);
    }
  }

  async ping(): Promise<void> {
    await withTimeout(this.redis.ping(), READ_TIMEOUT_MS);
  }

  /** Idempotent: ioredis arms a 2 s timer on every disconnect() of an already-ended stream. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.redis.disconnect();
    this.subscriber.disconnect();
  }
}

/**
 * `promise`, or a rejection once `ms` have passed (the command itself is left to finish);
 * `settled` is told once how it ended.
 */
function withTimeout<T>(promise: Promise<T>, ms: number, settled: (result: RevocationReadResult) => void = () => {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      settled('timeout');
      reject(new Error(`redis read timed out after ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        if (timedOut) return;
        clearTimeout(timer);
        settled('ok');
        resolve(value);
      },
      (err: unknown) => {
        if (timedOut) return;
        clearTimeout(timer);
        settled('error');
        reject(err);
      },
    );
  });
}
