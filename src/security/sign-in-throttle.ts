import ipaddr from 'ipaddr.js';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { sharedLimiter, type Limiter, type LimiterStore } from './shared-limiter.js';

/** The limits on failed sign-ins; docs/security.md#sign-in-throttling-and-password-hashing explains the policy. */
export interface SignInLimits {
  windowSeconds: number;
  /** Failures for one account from one address; then that pair waits for the window to pass. */
  failuresPerAccountAndAddress: number;
  /** Failures from one address, whatever the accounts (password spraying); then the address waits. */
  failuresPerAddress: number;
  /** Failures for one account from every address; beyond them the account is only slowed down. */
  failuresPerAccount: number;
}

/** Past its failure limit, an account's password is checked at most once per this many seconds (from addresses it has not signed in from). */
export const SLOWDOWN_SECONDS = 10;
/**
 * A successful sign-in makes the address known for the account this long (each sign-in renews it).
 * Under 24.8 days: the in-memory limiter expires keys with setTimeout, which caps delays at 2^31 ms.
 */
export const KNOWN_ADDRESS_SECONDS = 14 * 86_400;

/** One attempt's right to a password check, or the refusal. */
export type Reservation =
  | {
      granted: true;
      /** The password was right: the attempt's points go back (only failures count) and the address becomes known for the account. */
      succeeded(): Promise<void>;
      /** The password was never checked (the server was busy): every point goes back. */
      release(): Promise<void>;
    }
  | { granted: false; retryAfterSeconds: number };

interface Charge {
  limiter: Limiter;
  key: string;
}

/**
 * Throttles password sign-in. A point is reserved before the password is checked and kept
 * only if it was wrong, so parallel guesses cannot all pass a check made before any of them
 * failed: at most the limit is ever checked. Keys are the resolved account (`u:<id>`, or
 * `n:<username>` for a name no account has) and the client address (IPv6 by /64).
 * Counts live in Redis when there is one, so every instance counts together; a memory
 * limiter stands in while Redis is unreachable or stalled (sharedLimiter).
 */
export class SignInThrottle {
  private readonly perPair: Limiter;
  private readonly perAddress: Limiter;
  private readonly perAccount: Limiter;
  private readonly accountPace: Limiter;
  private readonly knownAddresses: Limiter;

  constructor(store: LimiterStore, limits: SignInLimits) {
    const limiter = (name: string, points: number, duration: number) => sharedLimiter(store, `sign-in:${name}`, points, duration);
    this.perPair = limiter('pair', limits.failuresPerAccountAndAddress, limits.windowSeconds);
    this.perAddress = limiter('address', limits.failuresPerAddress, limits.windowSeconds);
    this.perAccount = limiter('account', limits.failuresPerAccount, limits.windowSeconds);
    this.accountPace = limiter('pace', 1, SLOWDOWN_SECONDS);
    this.knownAddresses = limiter('known', 1, KNOWN_ADDRESS_SECONDS);
  }

  /**
   * Reserves a failure's worth for `account` from `address`: one point for the pair, and,
   * unless the account has signed in from this address before, one for the address and one
   * for the account. A known address skips the address and account limits, so neither
   * spraying from a shared address nor guessing from many addresses locks its user out.
   */
  async reserve(account: string, address: string): Promise<Reservation> {
    const pairKey = `${account}|${address}`;
    const known = await this.knownAddresses.get(pairKey).catch(() => null);
    const charges: Charge[] = [{ limiter: this.perPair, key: pairKey }];
    if (!known) charges.push({ limiter: this.perAddress, key: address });
    const taken = await Promise.all(charges.map(take));
    let refusal = slowest(taken);
    if (!refusal && !known) {
      // The account limit only slows down: past it, the attempt also needs the account's pace slot.
      const accountCharge = { limiter: this.perAccount, key: account };
      const onAccount = await take(accountCharge);
      charges.push(accountCharge);
      taken.push(onAccount);
      if (onAccount instanceof Refused) refusal = slowest([await take({ limiter: this.accountPace, key: account })]);
    }
    // Points to give back: those taken (not refused, and not lost to a store error).
    const granted = charges.filter((_, i) => taken[i] instanceof RateLimiterRes);
    if (refusal) {
      await giveBack(granted);
      return { granted: false, retryAfterSeconds: refusal };
    }
    return {
      granted: true,
      succeeded: async () => {
        await Promise.all([giveBack(granted), this.knownAddresses.set(pairKey, 1, KNOWN_ADDRESS_SECONDS).catch(ignore)]);
      },
      release: () => giveBack(granted),
    };
  }

  /** A sign-in refused before any lookup (no account can have that name): a failure for the address only. */
  async chargeAddress(address: string): Promise<{ granted: boolean; retryAfterSeconds: number }> {
    const refusal = slowest([await take({ limiter: this.perAddress, key: address })]);
    return { granted: !refusal, retryAfterSeconds: refusal ?? 0 };
  }
}

/**
 * The address a throttle counts by: IPv4 (also when IPv4-mapped) as is, IPv6 by its /64,
 * since one host usually holds a whole /64. Anything else (a proxy header that is no address)
 * counts as itself, shortened.
 */
export function throttleAddress(ip: string): string {
  if (!ipaddr.isValid(ip)) return `?${ip.slice(0, 64)}`;
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') return addr.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/64`).toString()}/64`;
}

/** A limiter said no; how long until it would say yes. */
class Refused {
  constructor(readonly msBeforeNext: number) {}
}

/**
 * Takes one point. A store error (Redis gone and no insurance answer) lets the attempt through
 * rather than answer 500; the memory insurance limiter makes that rare.
 */
async function take(charge: Charge): Promise<RateLimiterRes | Refused | null> {
  try {
    return await charge.limiter.consume(charge.key, 1);
  } catch (err) {
    return err instanceof RateLimiterRes ? new Refused(err.msBeforeNext) : null;
  }
}

/** The longest wait (whole seconds, at least 1) among refusals, or undefined if none refused. */
function slowest(taken: (RateLimiterRes | Refused | null)[]): number | undefined {
  const waits = taken.filter((t): t is Refused => t instanceof Refused).map((t) => Math.max(1, Math.ceil(t.msBeforeNext / 1000)));
  return waits.length ? Math.max(...waits) : undefined;
}

/** Returns one point to each charge. */
async function giveBack(charges: Charge[]): Promise<void> {
  await Promise.all(charges.map((c) => c.limiter.reward(c.key, 1).catch(ignore)));
}

function ignore(): void {}
