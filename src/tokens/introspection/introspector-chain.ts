import type { ActiveToken, IntrospectionContext, TokenIntrospector } from './active-token.js';

/** Longest token string any strategy accepts; longer input is rejected before any work. */
export const MAX_TOKEN_LENGTH = 4096;

/**
 * The one entry point for "is this token active?": asks the introspectors whose shape
 * test claims the token, in order, and stops at the first answer.
 */
export class IntrospectorChain {
  constructor(private readonly introspectors: TokenIntrospector[]) {}

  introspect(token: string, context: IntrospectionContext = {}): Promise<ActiveToken | null> {
    return this.introspectClaimed(this.claimants(token, context.hint), token, context);
  }

  /** Whether this instance verified the token as active a moment ago (held in memory); no I/O. */
  remembers(token: string): boolean {
    return this.claimants(token).some((i) => i.remembers(token));
  }

  /**
   * The strategies whose I/O-free shape test claims the token, the hinted kind first; none for
   * garbage. For callers that decide something on the shape before asking (then
   * `introspectClaimed`, so the shape tests run once).
   */
  claimants(token: string, hint?: string): TokenIntrospector[] {
    if (!token || token.length > MAX_TOKEN_LENGTH) return [];
    return this.ordered(hint).filter((i) => i.claims(token));
  }

  /** `introspect` for claimants already found with `claimants(token, context.hint)`. */
  introspectClaimed(claimants: TokenIntrospector[], token: string, context: IntrospectionContext): Promise<ActiveToken | null> {
    if (!claimants.length) return Promise.resolve(null);
    // Most token shapes are claimed by one strategy: hand its answer straight back.
    return claimants.length === 1 ? claimants[0]!.introspect(token, context) : this.firstActive(claimants, token, context);
  }

  private async firstActive(claimants: TokenIntrospector[], token: string, context: IntrospectionContext): Promise<ActiveToken | null> {
    for (const introspector of claimants) {
      const result = await introspector.introspect(token, context);
      if (result) return result;
    }
    return null;
  }

  private ordered(hint: string | undefined): TokenIntrospector[] {
    if (!hint) return this.introspectors;
    const hinted = this.introspectors.filter((i) => i.kind === hint);
    return hinted.length ? [...hinted, ...this.introspectors.filter((i) => i.kind !== hint)] : this.introspectors;
  }
}
