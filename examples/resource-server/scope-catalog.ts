/** One scope as Tessera's `GET /api/v1/scopes` lists it. */
interface ScopeEntry {
  name: string;
  implies?: string[];
}

/**
 * Which scopes a granted scope covers, learnt from Tessera's registry (`GET /api/v1/scopes`):
 * `project:depot` implies `project`, so a token with `project:depot` may read projects. An
 * operator's SCOPES_FILE may add scopes and implications, so they are read from Tessera rather
 * than copied here. The list is re-read every `refreshSeconds` (Tessera lets it be cached for 5
 * minutes); if a refresh fails, the last list stays in use.
 */
export class ScopeCatalog {
  /** Each scope's direct implications, as listed by Tessera. */
  private implies: Map<string, string[]> | undefined;
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly scopesUrl: string,
    private readonly refreshSeconds = 300,
  ) {}

  /** True when the granted scopes, with everything they imply, cover every required scope. */
  async satisfies(granted: readonly string[], required: readonly string[]): Promise<boolean> {
    const implies = await this.current();
    const covered = new Set<string>();
    // Follow the implications out of what was granted (the lists are short and have no cycles to fear: `covered` stops them).
    const pending = [...granted];
    for (let scope = pending.pop(); scope !== undefined; scope = pending.pop()) {
      if (covered.has(scope)) continue;
      covered.add(scope);
      pending.push(...(implies.get(scope) ?? []));
    }
    return required.every((r) => covered.has(r));
  }

  private async current(): Promise<Map<string, string[]>> {
    if (!this.implies || Date.now() - this.loadedAt > this.refreshSeconds * 1000) {
      this.loading ??= this.load().finally(() => (this.loading = undefined));
      // Without any list yet, a failure propagates (the caller answers 503); later, the old list serves.
      if (!this.implies) await this.loading;
      else this.loading.catch(() => {});
    }
    return this.implies!;
  }

  private async load(): Promise<void> {
    const res = await fetch(this.scopesUrl, { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`scope registry answered HTTP ${res.status}`);
    const entries = (await res.json()) as ScopeEntry[];
    this.implies = new Map(entries.map((e) => [e.name, e.implies ?? []]));
    this.loadedAt = Date.now();
  }
}
