import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A lock one instance at a time holds: SET NX PX under `key`, released only by its holder (the
 * value is a random token compared in a script). If Redis does not answer, acquire says yes:
 * what the lock guards must be safe to run twice (it only saves work).
 */
export function redisLock(redis: Redis, key: string): { acquire(ttlMs: number): Promise<boolean>; release(): Promise<void> } {
  let held: string | null = null;
  return {
    async acquire(ttlMs) {
      const token = randomBytes(16).toString('hex');
      try {
        const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
        if (ok !== 'OK') return false;
        held = token;
      } catch {
        held = null;
      }
      return true;
    },
    async release() {
      const token = held;
      held = null;
      if (!token) return;
      await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, key, token).catch(() => undefined);
    },
  };
}
