import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { ApiError } from '../errors.js';
import { noSignInMetrics, type SignInMetrics } from './sign-in-metrics.js';

const FAILURES_ALLOWED = 10;
const WINDOW_SECONDS = 15 * 60;

/**
 * Slows password guessing: after 10 failed sign-ins for one username from one address
 * within 15 minutes, further attempts get 429 until the window passes. Shared through
 * Redis when there is one, so all instances count together.
 */
export class LoginThrottle {
  private readonly limiter: RateLimiterAbstract;

  constructor(
    redis: Redis | null,
    prefix: string,
    private readonly metrics: SignInMetrics = noSignInMetrics,
  ) {
    const options = { points: FAILURES_ALLOWED, duration: WINDOW_SECONDS, keyPrefix: `${prefix}login-fail` };
    this.limiter = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
      : new RateLimiterMemory(options);
  }

  /** Throws 429 when the key has used up its failures. */
  async check(username: string, ip: string): Promise<void> {
    const res = await this.limiter.get(key(username, ip)).catch(() => null);
    if (res && res.consumedPoints >= FAILURES_ALLOWED) {
      this.metrics.throttled();
      throw tooMany(res);
    }
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    this.metrics.failed();
    await this.limiter.penalty(key(username, ip), 1).catch(() => undefined);
  }

  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.limiter.delete(key(username, ip)).catch(() => undefined);
  }
}

function key(username: string, ip: string): string {
  return `${username.toLowerCase()}|${ip}`;
}

function tooMany(res: RateLimiterRes): ApiError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new ApiError(429, 'slow_down', `too many failed sign-in attempts; try again in ${seconds} seconds`, {
    'Retry-After': String(seconds),
  });
}
