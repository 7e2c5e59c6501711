import { LRUCache } from 'lru-cache';
import type { RevocationCache } from '../../revocation/revocation-cache.js';
import { REVOKED } from '../../revocation/revocation-cache.js';

/**
 * How a lookup was answered: `warm` from memory (re-validated against the revocation cache, no
 * SQL; a revoked key counts here too), `cold` from the database, `fallback` from the database
 * because the revocation cache could not be asked.
 */
export const LOOKUP_OUTCOMES = ['warm', 'cold', 'fallback'] as const;
export type LookupOutcome = (typeof LOOKUP_OUTCOMES)[number];

/** Where lookups are counted (a `/metrics` counter). Called on the hot path: must not allocate. */
export interface LookupMetrics {
  lookup(outcome: LookupOutcome): void;
}

const noLookupMetrics: LookupMetrics = { lookup() {} };

/** How long an instance trusts a record it read from the database, at most (then it reads it again). */
export const CACHED_RECORD_TTL_MS = 60_000;

interface Entry<T> {
  value: T;
  /** Keys the value also dies with (its grant, client, user). */
  dependents: string[];
  /** Revocation-cache states of [primary, ...dependents] when `value` was read. */
  states: (string | null)[];
  generation: number;
}

/**
 * The warm path shared by every introspector and by introspection-caller authentication:
 * records read from the database (tokens, and the apps that call the endpoint), kept in
 * memory and re-validated on each use against the shared revocation cache — one Redis
 * round trip for the record's own key and everything it depends on, and no SQL. A
 * changed state means "re-read"; REVOKED on any key means "inactive". When Redis cannot
 * be asked, memory is bypassed and `load` (the database) decides, so a revoked token is
 * never reported active.
 */
export class RevalidatedCache<T> {
  private readonly entries: LRUCache<string, Entry<T>>;

  constructor(
    private readonly revocations: RevocationCache,
    max = 50_000,
    private readonly lookups: LookupMetrics = noLookupMetrics,
  ) {
    this.entries = new LRUCache<string, Entry<T>>({ max, ttl: CACHED_RECORD_TTL_MS });
    // Another instance revoked or changed something: drop our copy now. Correctness does
    // not depend on this message arriving; it keeps memory tidy.
    revocations.subscribe((key) => this.entries.delete(key));
  }

  /**
   * The record under `primaryKey`: from memory if still valid, else from `load`.
   * `load` must check everything itself (it alone answers while Redis is away);
   * `dependentsOf` names the keys whose revocation also kills the record.
   *
   * The warm path is one revocation-cache read and one `then`: it runs on every introspection,
   * and on Node 20 every promise pays for async-context tracking.
   */
  get(primaryKey: string, load: () => Promise<T | null>, dependentsOf: (value: T) => string[] = () => []): Promise<T | null> {
    const generation = this.revocations.generation();
    const cached = this.entries.get(primaryKey);
    // The primary key's state is read before the database so a change racing the read
    // leaves a mismatch behind (and a re-read next time), never a stale match.
    return this.revocations.states(cached ? [primaryKey, ...cached.dependents] : [primaryKey]).then(
      (states) => {
        if (states.includes(REVOKED)) {
          this.entries.delete(primaryKey);
          this.lookups.lookup('warm');
          return null;
        }
        if (cached && cached.generation === generation && sameStates(states, cached.states)) {
          this.lookups.lookup('warm');
          return cached.value;
        }
        this.lookups.lookup('cold');
        return this.reload(primaryKey, load, dependentsOf, states[0] ?? null, generation);
      },
      () => {
        this.entries.delete(primaryKey);
        this.lookups.lookup('fallback');
        return load();
      },
    );
  }

  /** The database's answer, kept with the states it was read under. */
  private async reload(
    primaryKey: string,
    load: () => Promise<T | null>,
    dependentsOf: (value: T) => string[],
    primaryState: string | null,
    generation: number,
  ): Promise<T | null> {
    const value = await load();
    if (value === null) {
      this.entries.set(primaryKey, { value: null as T, dependents: [], states: [primaryState], generation });
      return null;
    }
    const dependents = dependentsOf(value);
    let dependentStates: (string | null)[] = [];
    if (dependents.length) {
      try {
        dependentStates = await this.revocations.states(dependents);
      } catch {
        return value; // answered by the database; not cached
      }
      if (dependentStates.includes(REVOKED)) return null;
    }
    this.entries.set(primaryKey, { value, dependents, states: [primaryState, ...dependentStates], generation });
    return value;
  }

  /**
   * The record under `primaryKey` as last verified, without asking the revocation cache:
   * undefined when not held (or held from before a Redis outage). Only for answers that
   * reveal nothing if the record changed a moment ago.
   */
  peek(primaryKey: string): T | null | undefined {
    const cached = this.entries.get(primaryKey);
    return cached && cached.generation === this.revocations.generation() ? cached.value : undefined;
  }
}

function sameStates(a: (string | null)[], b: (string | null)[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
