/**
 * What the sign-in code reports for the `/metrics` counters: each failed password check, and
 * each attempt refused by the throttle. Nothing else: never a username or an address.
 */
export interface SignInMetrics {
  failed(): void;
  throttled(): void;
}

/** For code paths (and tests) that count nothing. */
export const noSignInMetrics: SignInMetrics = { failed() {}, throttled() {} };
