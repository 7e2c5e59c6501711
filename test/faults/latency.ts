/** Percentiles of request latencies (ms), for the fault suites' bounds and their printed summaries. */
export function latencyReport(ms: number[]): { p50: number; p99: number; max: number; text: string } {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : 0);
  const p50 = at(0.5);
  const p99 = at(0.99);
  const max = sorted.at(-1) ?? 0;
  return { p50, p99, max, text: `p50 ${p50} ms, p99 ${p99} ms, max ${max} ms` };
}
