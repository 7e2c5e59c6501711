/** The kinds of token Tessera answers for. */
export type TokenKind = 'personal_access_token' | 'access_token' | 'refresh_token';

/** What an introspector knows about an active token. */
export interface ActiveToken {
  kind: TokenKind;
  /** The user the token acts for; null for client-credentials tokens. */
  userId: number | null;
  username?: string;
  scopes: string[];
  clientId?: string;
  issuedAt: Date;
  expiresAt: Date | null;
  audience?: string | string[];
  /** 'Bearer' unless the token is sender-constrained (e.g. 'DPoP'). */
  tokenType?: string;
  patId?: number;
  impersonation?: boolean;
}

/** Facts about the request a token arrives with. */
export interface IntrospectionContext {
  /** The end user's address, for IP allowlists. */
  ip?: string;
  /** token_type_hint: which kind to ask first. Only a hint: the others are still asked. */
  hint?: string;
}

/**
 * One token kind's strategy (fosite's introspector): `claims` is a cheap, I/O-free
 * test of the token's shape; `introspect` answers null for anything not active.
 */
export interface TokenIntrospector {
  readonly kind: TokenKind;
  claims(token: string): boolean;
  introspect(token: string, context: IntrospectionContext): Promise<ActiveToken | null>;
}
