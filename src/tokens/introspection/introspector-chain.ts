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
    if (!token || token.length > MAX_TOKEN_LENGTH) return Promise.resolve(null);
    const claimants = this.ordered(context.hint).filter((i) => i.claims(token));
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

  /** Whether any introspector would look at this string: the I/O-free shape tests only. */
  claims(token: string): boolean {
    return token.length > 0 && token.length <= MAX_TOKEN_LENGTH && this.introspectors.some((i) => i.claims(token));
  }

  private ordered(hint: string | undefined): TokenIntrospector[] {
    if (!hint) return this.introspectors;
    const hinted = this.introspectors.filter((i) => i.kind === hint);
    return hinted.length ? [...hinted, ...this.introspectors.filter((i) => i.kind !== hint)] : this.introspectors;
  }
}
