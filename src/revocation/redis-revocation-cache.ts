import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { BackendUnavailable } from '../errors.js';
import type { RedisBreaker } from '../redis/redis-breaker.js';
import { BatchedReads } from './batched-reads.js';
import { noRevocationReadMetrics, REVOKED, type RevocationCache, type RevocationReadMetrics, type RevocationReadResult } from './revocation-cache.js';

// Atomically: leave a revoked key revoked, otherwise count one more change; refresh the TTL.
const BUMP_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[2] then return v end
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return n`;

/** Markers whose write Redis has not confirmed are kept for a re-send, this many at most. */
const MAX_UNCONFIRMED = 10_000;

/**
 * Revocations in Redis, shared by every instance, plus a pub/sub channel so each
 * instance can drop what it cached at once. The subscriber needs its own connection.
 *
 * Every Redis call goes through the instance's RedisBreaker, so a stalled Redis costs one
 * timeout (REDIS_TIMEOUT_MS), not one per request:
 * - A read of revocation states that takes too long, or is not even tried because the breaker is
 *   open, fails; the caller then ignores what it holds in memory and asks the database (slower,
 *   still right). When Redis answers again the generation changes, so nothing cached before the
 *   stall is trusted either.
 * - A marker write is always sent, and waited for at most the timeout. A revoke may return then:
 *   the database already holds the truth, every instance that asks Redis meanwhile times out and
 *   reads the database, and the write waits in this connection's socket, ahead of any read sent
 *   after the revoke returned, so Redis applies it first when it resumes. A write that was never
 *   confirmed is sent again when Redis answers again (or the connection is back), in case the
 *   connection it was sent on died. docs/introspection.md explains the remaining window.
 */
export class RedisRevocationCache implements RevocationCache {
  private readonly listeners: ((key: string) => void)[] = [];
  private readonly channel: string;
  private subscribed = false;
  private currentGeneration = 0;
  private unavailable = false;
  private closed = false;
  private readonly reads: BatchedReads;
  /** Marker writes not confirmed by Redis: key → what to write again, and until when it matters. */
  private readonly unconfirmed = new Map<string, { action: 'revoke' | 'bump'; until: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly breaker: Pick<RedisBreaker, 'isOpen' | 'ask' | 'await' | 'onRecovered'>,
    metrics: RevocationReadMetrics = noRevocationReadMetrics,
  ) {
    this.channel = `${prefix}revocations`;
    this.reads = new BatchedReads((keys) => {
      const started = performance.now();
      const observe = (result: RevocationReadResult) => metrics.read((performance.now() - started) / 1000, result);
      return breaker.ask(() => redis.mget(keys)).then(
        (values) => {
          observe('ok');
          return values;
        },
        (err: unknown) => {
          observe(err instanceof BackendUnavailable ? 'timeout' : 'error');
          throw err;
        },
      );
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
      if (this.unavailable) this.recovered();
      this.unavailable = false;
    };
    breaker.onRecovered(() => this.recovered());
    for (const connection of [redis, subscriber]) {
      connection.on('error', lost);
      connection.on('close', lost);
      connection.on('ready', back);
    }
  }

  generation(): number {
    return this.currentGeneration;
  }

  /** True while either connection is down or Redis is stalled; callers must not trust cached answers then. */
  get degraded(): boolean {
    return this.unavailable || this.redis.status !== 'ready' || this.breaker.isOpen;
  }

  /** Read together with every other key asked for in this event-loop turn (BatchedReads). */
  states(keys: string[]): Promise<(string | null)[]> {
    if (this.degraded) return Promise.reject(new Error('redis unavailable'));
    return this.reads.read(keys.map((k) => this.prefix + k));
  }

  revoke(key: string, ttlSeconds: number): Promise<void> {
    return this.write('revoke', key, ttlSeconds);
  }

  bump(key: string, ttlSeconds: number): Promise<void> {
    return this.write('bump', key, ttlSeconds);
  }

  /** Sends the marker and its pub/sub message in one write, then waits for Redis at most the breaker's timeout. */
  private async write(action: 'revoke' | 'bump', key: string, ttlSeconds: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const pipeline = this.redis.pipeline();
    if (action === 'revoke') pipeline.set(this.prefix + key, REVOKED, 'EX', ttl);
    else pipeline.eval(BUMP_SCRIPT, 1, this.prefix + key, ttl, REVOKED);
    pipeline.publish(this.channel, key);
    const sent = pipeline.exec().then((results) => {
      const failed = results?.find(([err]) => err)?.[0];
      if (failed) throw failed;
    });
    try {
      await this.breaker.await(sent);
      this.unconfirmed.delete(key);
    } catch (err) {
      this.remember(key, action, ttl);
      throw err;
    }
  }

  private remember(key: string, action: 'revoke' | 'bump', ttl: number): void {
    const previous = this.unconfirmed.get(key);
    this.unconfirmed.delete(key);
    if (this.unconfirmed.size >= MAX_UNCONFIRMED) this.unconfirmed.delete(this.unconfirmed.keys().next().value!);
    // A revoke stays a revoke even if a bump of the same key follows it.
    this.unconfirmed.set(key, { action: previous?.action === 'revoke' ? 'revoke' : action, until: Date.now() + ttl * 1000 });
  }

  /** Redis answers again: nothing cached before is trusted, and unconfirmed markers are written again. */
  private recovered(): void {
    this.currentGeneration++;
    const now = Date.now();
    for (const [key, { action, until }] of [...this.unconfirmed]) {
      this.unconfirmed.delete(key);
      if (until > now) this.write(action, key, (until - now) / 1000).catch(() => undefined);
    }
  }

  subscribe(listener: (key: string) => void): void {
    this.listeners.push(listener);
    if (!this.subscribed) {
      this.subscribed = true;
      // ioredis re-subscribes by itself after a reconnect.
      this.subscriber.subscribe(this.channel).catch(() => undefined);
    }
  }

  /** Answers at once while the breaker is open, within the breaker's timeout otherwise. */
  async ping(): Promise<void> {
    await this.breaker.ask(() => this.redis.ping());
  }

  /** Idempotent: ioredis arms a 2 s timer on every disconnect() of an already-ended stream. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.redis.disconnect();
    this.subscriber.disconnect();
  }
}
