import type { SignInResult } from '../../security/password-sign-in.js';
import type { Translate } from '../i18n/index.js';

/** How a sign-in page answers a failed attempt: its status, the alert to show, its headers. */
export interface SignInRefusal {
  status: number;
  message: string;
  headers: Record<string, string>;
}

/**
 * A failed sign-in as the web sign-in page and the OAuth sign-in page show it, in the page's
 * language: 401 for a wrong name or password, 429 throttled and 503 busy with Retry-After.
 */
export function signInRefusal(result: Exclude<SignInResult, { outcome: 'signed-in' }>, t: Translate): SignInRefusal {
  switch (result.outcome) {
    case 'wrong':
      return { status: 401, message: t('auth.wrong'), headers: {} };
    case 'throttled':
      return { status: 429, message: t('auth.throttled', { seconds: result.retryAfterSeconds }), headers: { 'Retry-After': String(result.retryAfterSeconds) } };
    case 'busy':
      return { status: 503, message: t('auth.busy', { seconds: result.retryAfterSeconds }), headers: { 'Retry-After': String(result.retryAfterSeconds) } };
  }
}
