import { ApiError, message } from '../errors.js';
import type { TokenAuthThrottle } from '../security/token-auth-throttle.js';

/** What the doors that take a token or a client secret need of the throttle. */
export type FailureThrottle = Pick<TokenAuthThrottle, 'refusal' | 'failure'>;

/**
 * Throws 429 when `ip` is past its limit of failed authentications. Called only for credentials
 * this instance has not verified before (those never wait, and never cost this Redis read).
 */
export async function refuseIfThrottled(throttle: FailureThrottle, ip: string): Promise<void> {
  const wait = await throttle.refusal(ip);
  if (wait !== undefined) throw tooManyFailures(wait);
}

/** Counts a failed authentication from `ip`: the error to throw, `failed` or, past the limit, 429. */
export async function failedAuthentication(throttle: FailureThrottle, ip: string, failed: ApiError): Promise<ApiError> {
  const wait = await throttle.failure(ip);
  return wait === undefined ? failed : tooManyFailures(wait);
}

function tooManyFailures(retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'slow_down', message('auth.too_many_failures', { seconds: retryAfterSeconds }), {
    'Retry-After': String(retryAfterSeconds),
  });
}
