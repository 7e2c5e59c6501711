/**
 * Where revocations are recorded so every instance sees them at once. MySQL stays the
 * source of truth; this is the fast, shared index of "this token changed or died".
 *
 * A key's state is null (never touched), REVOKED, or a change counter ("1", "2", …):
 * an instance that cached a token remembers the state it saw, and reloads when it differs.
 */
export interface RevocationCache {
  /** Several keys' current states in one round trip; fails when the shared store is unreachable. */
  states(keys: string[]): Promise<(string | null)[]>;
  /** Marks the key revoked for ttlSeconds and tells every instance. */
  revoke(key: string, ttlSeconds: number): Promise<void>;
  /** Records a change (e.g. narrowed scopes) for ttlSeconds and tells every instance. */
  bump(key: string, ttlSeconds: number): Promise<void>;
  /** Called with each key revoked or changed on any instance (this one included). */
  subscribe(listener: (key: string) => void): void;
  /**
   * Changes whenever the shared store may have missed writes (it was unreachable and came
   * back). Anything cached under an older generation must be re-read from the database.
   */
  generation(): number;
  /** Resolves when the store answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const REVOKED = 'revoked';

/** How a read of revocation states ended; `timeout`: abandoned, the caller asked the database. */
export type RevocationReadResult = 'ok' | 'error' | 'timeout';

/** Where reads of revocation states are measured (a `/metrics` histogram): one call per round trip. */
export interface RevocationReadMetrics {
  read(seconds: number, result: RevocationReadResult): void;
}

export const noRevocationReadMetrics: RevocationReadMetrics = { read() {} };
