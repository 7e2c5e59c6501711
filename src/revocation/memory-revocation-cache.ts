import { performance } from 'node:perf_hooks';
import { noRevocationReadMetrics, REVOKED, type RevocationCache, type RevocationReadMetrics } from './revocation-cache.js';

/** The embedded-mode (single-process) implementation. */
export class MemoryRevocationCache implements RevocationCache {
  private readonly entries = new Map<string, { value: string; expires: number }>();
  private readonly listeners: ((key: string) => void)[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    /**
     * Changes when another process wrote to the database (the `tessera` CLI revoking a
     * token): caches then re-read it, since that process's markers never reach this map.
     */
    private readonly externalWrites: () => number = () => 0,
    private readonly metrics: RevocationReadMetrics = noRevocationReadMetrics,
  ) {}

  states(keys: string[]): Promise<(string | null)[]> {
    const started = performance.now();
    const states = keys.map((k) => this.read(k));
    this.metrics.read((performance.now() - started) / 1000, 'ok');
    return Promise.resolve(states);
  }

  private read(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  async revoke(key: string, ttlSeconds: number): Promise<void> {
    this.set(key, REVOKED, ttlSeconds);
  }

  async bump(key: string, ttlSeconds: number): Promise<void> {
    const current = this.read(key);
    if (current === REVOKED) return;
    this.set(key, String(Number(current ?? 0) + 1), ttlSeconds);
  }

  subscribe(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }

  generation(): number {
    return this.externalWrites();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear();
  }

  private set(key: string, value: string, ttlSeconds: number): void {
    this.entries.set(key, { value, expires: this.now() + ttlSeconds * 1000 });
    this.sweep();
    for (const listener of this.listeners) listener(key);
  }

  /** Drops expired entries now and then so the map cannot grow without bound. */
  private sweep(): void {
    if (this.entries.size % 1024 !== 0) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}
