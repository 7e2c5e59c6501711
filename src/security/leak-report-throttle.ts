import { RateLimiterRes } from 'rate-limiter-flexible';
import { sharedLimiter, type Limiter, type LimiterStore } from './shared-limiter.js';
import { throttleAddress } from './sign-in-throttle.js';

/**
 * Leak reports (`POST /api/v1/credentials/revoke`) per client address (IPv6 by /64) and hour:
 * the endpoint is unauthenticated and each well-formed string costs a lookup. Counted in Redis
 * when there is one (every instance together), in memory otherwise or while Redis is unreachable.
 */
export class LeakReportThrottle {
  private readonly reports: Limiter;

  constructor(store: LimiterStore, perHour: number) {
    this.reports = sharedLimiter(store, 'leak-report', perHour, 3600);
  }

  /** Counts a report from `ip`: undefined when it may go ahead, else the seconds to wait. */
  async take(ip: string): Promise<number | undefined> {
    try {
      await this.reports.consume(throttleAddress(ip));
      return undefined;
    } catch (err) {
      // A store error lets the report through rather than fail it.
      return err instanceof RateLimiterRes ? Math.max(1, Math.ceil(err.msBeforeNext / 1000)) : undefined;
    }
  }
}
