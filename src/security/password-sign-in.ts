import type { User } from '../entities/index.js';
import type { UserStore } from '../stores/user-store.js';
import { canonicalUsername } from './identifiers.js';
import type { PasswordCheckQueue } from './password-check-queue.js';
import type { PasswordHasher } from './password-hasher.js';
import { noSignInMetrics, type SignInMetrics } from './sign-in-metrics.js';
import { throttleAddress, type SignInThrottle } from './sign-in-throttle.js';

/** The longest password any account can have (the creation rule); longer ones are not hashed. */
const MAX_PASSWORD = 1024;
/** What a busy server asks the client to wait, seconds: a password check takes a fraction of one. */
const BUSY_RETRY_SECONDS = 1;

/** How a sign-in ended; each door (API, web page, OAuth page) turns it into its own answer. */
export type SignInResult =
  | { outcome: 'signed-in'; user: User }
  /** `account`: the account the name belongs to, when there is one (for its security log; never shown). */
  | { outcome: 'wrong'; account?: User }
  /** Too many failures (429), for this account from this address, this address or, slowed, this account. */
  | { outcome: 'throttled'; retryAfterSeconds: number }
  /** Every place to check a password is taken (503): nothing was checked or counted. */
  | { outcome: 'busy'; retryAfterSeconds: number };

/** Which door a sign-in came through: the API's HTTP Basic, the web sign-in page, the OAuth sign-in page. */
export type SignInDoor = 'api' | 'web' | 'oauth';

/** What the door knows of the attempt besides the address (for the security log). */
export interface SignInAttempt {
  door: SignInDoor;
  userAgent?: string;
  /** The OAuth application the user is signing in to. */
  clientId?: string;
}

/** What the doors need: one attempt at signing in with a username and password. */
export interface PasswordSignIn {
  signIn(username: string, password: string, ip: string, attempt?: SignInAttempt): Promise<SignInResult>;
}

export interface PasswordSignInDeps {
  accounts: Pick<UserStore, 'findByUsername'>;
  hasher: PasswordHasher;
  throttle: SignInThrottle;
  queue: PasswordCheckQueue;
  /** Counts failures and throttled attempts for /metrics (never a name or an address). */
  metrics?: SignInMetrics;
}

/**
 * Username + password sign-in, the one implementation behind the API's HTTP Basic, the web
 * sign-in page and the OAuth sign-in page. In order: a name no account can have is refused
 * without a lookup; the account is looked up by its canonical name (identifiers.ts); a failure is
 * reserved with the throttle before the password is checked; the check waits its turn in
 * the bounded queue; only a right password gives the reservation back.
 */
export function passwordSignIn({ accounts, hasher, throttle, queue, metrics = noSignInMetrics }: PasswordSignInDeps): PasswordSignIn {
  return {
    async signIn(typed, password, ip) {
      const result = await attempt(typed, password, ip);
      if (result.outcome === 'wrong') metrics.failed();
      else if (result.outcome === 'throttled') metrics.throttled();
      return result;
    },
  };

  async function attempt(typed: string, password: string, ip: string): Promise<SignInResult> {
    const address = throttleAddress(ip);
    const username = canonicalUsername(typed);
    if (!username || !password || password.length > MAX_PASSWORD) {
      const charged = await throttle.chargeAddress(address);
      return charged.granted ? { outcome: 'wrong' } : { outcome: 'throttled', retryAfterSeconds: charged.retryAfterSeconds };
    }
    const user = await accounts.findByUsername(username);
    const reservation = await throttle.reserve(user ? `u:${user.id}` : `n:${username}`, address);
    if (!reservation.granted) return { outcome: 'throttled', retryAfterSeconds: reservation.retryAfterSeconds };

    // An unknown name costs a hash too, so the answer's timing does not tell which names exist.
    const checked = await queue.run(address, () => (user ? hasher.verify(password, user.passwordHash) : hasher.verifyAgainstNothing(password)));
    if (!checked.ran) {
      await reservation.release();
      return checked.full === 'address'
        ? { outcome: 'throttled', retryAfterSeconds: BUSY_RETRY_SECONDS }
        : { outcome: 'busy', retryAfterSeconds: BUSY_RETRY_SECONDS };
    }
    if (!user) return { outcome: 'wrong' };
    if (!checked.value) return { outcome: 'wrong', account: user };
    await reservation.succeeded();
    return { outcome: 'signed-in', user };
  }
}
