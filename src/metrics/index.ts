import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ReadinessChecks } from '../services/readiness.js';
import type { RevocationReadMetrics, RevocationReadResult } from '../revocation/revocation-cache.js';
import type { SignInMetrics } from '../security/sign-in-metrics.js';
import { TOKEN_KINDS, type TokenKind } from '../tokens/introspection/active-token.js';
import { LOOKUP_OUTCOMES, type LookupMetrics, type LookupOutcome } from '../tokens/introspection/revalidated-cache.js';
import { processMetrics } from './process-metrics.js';
import { RequestHistogram } from './request-histogram.js';
import { Tally, tallyCounter } from './tally.js';

/** The kind an introspection answer is counted under: the token's, or `unknown` when no strategy could tell. */
export type AnsweredKind = TokenKind | 'unknown';
export type AnswerResult = 'active' | 'inactive' | 'error';
/** The verified-record caches whose lookups are counted. */
export type CacheName = TokenKind | 'introspection_caller';

/**
 * One instance's metrics, in its own prom-client registry (never the global one: tests run
 * several instances in one process), plus the process's default metrics. Each part of the
 * service gets only the narrow sink it reports to (LookupMetrics, SignInMetrics, …); hot-path
 * counts are plain numbers read at scrape time (Tally), so counting costs no allocation.
 */
export class Metrics {
  private readonly registry = new Registry();
  /** Request latency by method, route pattern and status (the Koa app and the introspection endpoint). */
  readonly requests = new RequestHistogram(this.registry);
  private readonly answers = new Tally<AnsweredKind, AnswerResult>([...TOKEN_KINDS, 'unknown'], ['active', 'inactive', 'error']);
  private readonly lookups = new Tally<CacheName, LookupOutcome>([...TOKEN_KINDS, 'introspection_caller'], LOOKUP_OUTCOMES);
  private readonly reads: Histogram<'store' | 'result'>;
  private readonly readiness: Gauge<'dependency'>;
  private checkReadiness: () => Promise<ReadinessChecks> = async () => ({});
  readonly signIn: SignInMetrics;

  constructor() {
    const registers = [this.registry];
    tallyCounter(this.registry, {
      name: 'tessera_introspection_answers_total',
      help: 'Answers of the introspection endpoint, by token kind and result (active, inactive, error).',
      labelNames: ['kind', 'result'],
    }, this.answers);
    tallyCounter(this.registry, {
      name: 'tessera_token_cache_lookups_total',
      help: 'Verified-record lookups by cache and outcome: warm (memory, no SQL), cold (database), fallback (database; revocation cache unreachable).',
      labelNames: ['cache', 'outcome'],
    }, this.lookups);
    this.reads = new Histogram({
      name: 'tessera_revocation_cache_read_duration_seconds',
      help: 'Reads of revocation states (one per round trip), by store and result (ok, error, timeout).',
      labelNames: ['store', 'result'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    const checks = () => this.checkReadiness();
    this.readiness = new Gauge({
      name: 'tessera_dependency_up',
      help: 'Whether a dependency answers, as /readyz sees it (1 up, 0 down): database, and redis when configured.',
      labelNames: ['dependency'],
      registers,
      async collect() {
        const current = await checks();
        this.reset();
        for (const [dependency, state] of Object.entries(current)) this.set({ dependency }, state === 'ok' ? 1 : 0);
      },
    });
    const failures = new Counter({ name: 'tessera_sign_in_failures_total', help: 'Failed password checks (API, web and OAuth sign-in).', registers });
    const throttled = new Counter({ name: 'tessera_sign_in_throttled_total', help: 'Sign-in attempts refused by the login throttle (429).', registers });
    this.signIn = { failed: () => failures.inc(), throttled: () => throttled.inc() };
  }

  /** What the introspection endpoint reports each answer to. */
  readonly introspection = {
    answered: (kind: AnsweredKind, result: AnswerResult): void => this.answers.add(kind, result),
  };

  /** The sink of one verified-record cache. */
  tokenCache(cache: CacheName): LookupMetrics {
    return { lookup: (outcome) => this.lookups.add(cache, outcome) };
  }

  /** The sink of the revocation cache's reads. */
  revocationReads(store: 'redis' | 'memory'): RevocationReadMetrics {
    const labels = { ok: { store, result: 'ok' }, error: { store, result: 'error' }, timeout: { store, result: 'timeout' } } satisfies Record<RevocationReadResult, object>;
    return { read: (seconds, result) => this.reads.observe(labels[result], seconds) };
  }

  /** Where `tessera_dependency_up` comes from: the checks /readyz runs, run again at each scrape. */
  watchReadiness(readiness: { check(): Promise<ReadinessChecks> }): void {
    this.checkReadiness = () => readiness.check();
  }

  readonly contentType = this.registry.contentType;

  /** The Prometheus text exposition of this instance and its process. */
  scrape(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
