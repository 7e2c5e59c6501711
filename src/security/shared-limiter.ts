import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisGuard } from '../redis/redis-breaker.js';

/** The part of rate-limiter-flexible's limiters Tessera's throttles use. `consume` rejects with a RateLimiterRes when over the limit. */
export interface Limiter {
  consume(key: string, points?: number): Promise<RateLimiterRes>;
  reward(key: string, points?: number): Promise<RateLimiterRes>;
  get(key: string): Promise<RateLimiterRes | null>;
  set(key: string, points: number, secDuration: number): Promise<RateLimiterRes>;
}

/** Where throttles count: Redis (every instance together) behind the instance's breaker, or memory only. */
export interface LimiterStore {
  redis: Redis | null;
  guard: RedisGuard | null;
  /** REDIS_KEY_PREFIX. */
  prefix: string;
}

/**
 * A limiter of `points` per `durationSeconds`, named `name` under the store's prefix. With Redis,
 * counts are shared by every instance; while Redis is down or stalled (the call fails, or the
 * breaker is or becomes open), a memory limiter of the same shape answers instead, so a throttle
 * never waits on a stalled Redis past the moment the breaker opens, and never fails a request.
 */
export function sharedLimiter(store: LimiterStore, name: string, points: number, durationSeconds: number): Limiter {
  const options = { points, duration: durationSeconds, keyPrefix: `${store.prefix}${name}` };
  const memory = new RateLimiterMemory(options);
  if (!store.redis || !store.guard) return memory;
  const redis = new RateLimiterRedis({ ...options, storeClient: store.redis });
  const guard = store.guard;
  function call<T>(inRedis: () => Promise<T>, inMemory: () => Promise<T>): Promise<T> {
    if (guard.isOpen) return inMemory();
    return guard.call(inRedis).catch((err: unknown) => {
      // Over the limit is an answer, not a failure.
      if (err instanceof RateLimiterRes) throw err;
      return inMemory();
    });
  }
  return {
    consume: (key, n = 1) => call(() => redis.consume(key, n), () => memory.consume(key, n)),
    reward: (key, n = 1) => call(() => redis.reward(key, n), () => memory.reward(key, n)),
    get: (key) => call(() => redis.get(key), () => memory.get(key)),
    set: (key, n, seconds) => call(() => redis.set(key, n, seconds), () => memory.set(key, n, seconds)),
  };
}
