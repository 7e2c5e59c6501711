import { Counter, type Registry } from 'prom-client';

/**
 * Counts by two label values, kept as plain numbers: counting is one property increment, with no
 * allocation, so the introspection hot path can count every answer and every cache lookup. A
 * prom-client counter reads the numbers when scraped (`tallyCounter`).
 */
export class Tally<A extends string, B extends string> {
  private readonly rows = new Map<A, Record<B, number>>();

  constructor(
    readonly first: readonly A[],
    readonly second: readonly B[],
  ) {
    for (const a of first) this.rows.set(a, Object.fromEntries(second.map((b) => [b, 0])) as Record<B, number>);
  }

  /** One more for (a, b); a pair outside the declared values is ignored rather than thrown on. */
  add(a: A, b: B): void {
    const row = this.rows.get(a);
    if (row && b in row) row[b]++;
  }

  *entries(): Iterable<[A, B, number]> {
    for (const [a, row] of this.rows) for (const b of this.second) yield [a, b, row[b]];
  }
}

/** Exports a tally as a Prometheus counter; every label pair appears from the start, at 0. */
export function tallyCounter<A extends string, B extends string>(
  registry: Registry,
  options: { name: string; help: string; labelNames: [string, string] },
  tally: Tally<A, B>,
): void {
  const [first, second] = options.labelNames;
  new Counter({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [a, b, count] of tally.entries()) this.inc({ [first]: a, [second]: b }, count);
    },
  });
}
