import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** The instance's main Redis connection: fails fast while Redis is down, logs loss and recovery once each. */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    // Fail fast instead of queueing while Redis is down; callers fall back to MySQL.
    enableOfflineQueue: false,
    // Commands issued in the same tick (many concurrent introspections) share one write.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // A backstop only: Tessera's Redis users go through the RedisBreaker, which notices a stalled
    // Redis within REDIS_TIMEOUT_MS (plus at most one heartbeat) and then releases and refuses every
    // wait. The revocation cache's connection overrides this (see above).
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.error({ err: err.message }, 'redis connection lost');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis connection restored');
    down = false;
  });
  return redis;
}

/** Gives Redis a moment at start; if it is down the instance starts degraded and recovers later. */
export async function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
  });
}
