import type { PasswordSignIn } from '../security/password-sign-in.js';
import type { SecurityLog } from './security-log.js';

/**
 * The one place sign-ins reach the security log: wraps PasswordSignIn for all three doors. A
 * sign-in through the web or OAuth page is recorded as `user.signed_in` (not the API's HTTP
 * Basic, which signs in on every call); a wrong name or password at any door as
 * `user.sign_in_failed`. Never the password; for a name no account has, neither a user nor the
 * name (it may be a password typed in the wrong box). Throttled and refused-while-busy attempts
 * check nothing and are not recorded, so a flood cannot turn into a flood of writes: failures are
 * recorded at the throttle's pace.
 */
export function recordedSignIn(inner: PasswordSignIn, log: Pick<SecurityLog, 'record'>): PasswordSignIn {
  return {
    async signIn(username, password, ip, attempt) {
      const result = await inner.signIn(username, password, ip, attempt);
      const door = attempt?.door ?? 'api';
      const origin = { ip, userAgent: attempt?.userAgent };
      if (result.outcome === 'signed-in' && door !== 'api') {
        const user = { id: result.user.id, username: result.user.username };
        await log.record({ action: 'user.signed_in', user, actor: user, clientId: attempt?.clientId, origin, details: { door } });
      } else if (result.outcome === 'wrong') {
        const user = result.account ? { id: result.account.id, username: result.account.username } : null;
        await log.record({
          action: 'user.sign_in_failed',
          user,
          clientId: attempt?.clientId,
          origin,
          details: { door, reason: user ? 'wrong_password' : 'unknown_user' },
        });
      }
      return result;
    },
  };
}
