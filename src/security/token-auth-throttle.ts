import { RateLimiterRes } from 'rate-limiter-flexible';
import { sharedLimiter, type Limiter, type LimiterStore } from './shared-limiter.js';
import { throttleAddress } from './sign-in-throttle.js';

/** The limit on failed token authentications (docs/security.md#abuse-limits). */
export interface TokenAuthLimits {
  windowSeconds: number;
  /** Failures from one address per window; beyond, the address gets 429 for credentials this instance has not verified. */
  failuresPerAddress: number;
}

/**
 * Counts failed authentications with a token or a client secret per client address (IPv6 by
 * /64): a PAT or OAuth token on the API (Bearer, `token`, or the Basic password), a client
 * secret at the introspection endpoint. Well-formed unknown credentials cost a database read
 * each, so past the limit an address is refused (429) without one, for credentials this instance
 * has not verified before; those it has verified (held in memory) are never slowed down, and
 * never ask the throttle. Counts live in Redis when there is one (every instance together),
 * in memory otherwise or while Redis is unreachable or stalled.
 */
export class TokenAuthThrottle {
  private readonly failures: Limiter;

  constructor(
    store: LimiterStore,
    private readonly limits: TokenAuthLimits,
  ) {
    this.failures = sharedLimiter(store, 'token-auth', limits.failuresPerAddress, limits.windowSeconds);
  }

  /** Seconds `ip` must wait before presenting a credential this instance has not verified; undefined when it need not. */
  async refusal(ip: string): Promise<number | undefined> {
    const counted = await this.failures.get(throttleAddress(ip)).catch(() => null);
    return counted && counted.consumedPoints > this.limits.failuresPerAddress ? seconds(counted.msBeforeNext) : undefined;
  }

  /** Counts a failed authentication from `ip`; the seconds to wait if that took it past the limit. */
  async failure(ip: string): Promise<number | undefined> {
    try {
      await this.failures.consume(throttleAddress(ip));
      return undefined;
    } catch (err) {
      // A store error lets the failure go uncounted rather than fail the request.
      return err instanceof RateLimiterRes ? seconds(err.msBeforeNext) : undefined;
    }
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
