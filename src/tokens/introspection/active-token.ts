import type { User } from '../../entities/index.js';

/** The kinds of token Tessera answers for. */
export const TOKEN_KINDS = ['personal_access_token', 'access_token', 'refresh_token'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/**
 * The profile of the user a token acts for, as read when the token was verified. Users change
 * only by deletion (which revokes `user:<id>`, and with it every cached token), so it is as fresh
 * as the token's own answer; a future profile edit must bump `user:<id>`.
 */
export type TokenOwner = Pick<User, 'id' | 'username' | 'displayName' | 'email' | 'isAdmin' | 'createdAt'>;

/** What an introspector knows about an active token. */
export interface ActiveToken {
  kind: TokenKind;
  /** The user the token acts for; null for client-credentials tokens. */
  userId: number | null;
  username?: string;
  /** That user's profile, so resource routes such as GET /api/v1/user need no lookup. */
  owner?: TokenOwner;
  scopes: string[];
  clientId?: string;
  issuedAt: Date;
  expiresAt: Date | null;
  audience?: string | string[];
  /** 'Bearer' unless the token is sender-constrained (e.g. 'DPoP'). */
  tokenType?: string;
  /** RFC 7800 `cnf` of a sender-constrained token: the DPoP key's (RFC 9449) or certificate's (RFC 8705) thumbprint. */
  confirmation?: { jkt?: string; 'x5t#S256'?: string };
  patId?: number;
  impersonation?: boolean;
  /** A PAT's previous secret, replaced by rotation and still inside its grace period (then `expiresAt` is the grace end). */
  rotated?: boolean;
}

/** Facts about the request a token arrives with. */
export interface IntrospectionContext {
  /** The end user's address, for IP allowlists. */
  ip?: string;
  /** token_type_hint: which kind to ask first. Only a hint: the others are still asked. */
  hint?: string;
  /** The client's User-Agent, recorded as the token's last use (API requests only). */
  userAgent?: string;
  /**
   * Set by an introspector that recognised the token but refuses it for a reason the client can act
   * on (so the API can say so): beyond the lifetime policy, idle too long, a rotated-away secret reused.
   */
  refusal?: TokenRefusal;
}

/** Why a recognised token is not active, when it is worth telling the client. */
export type TokenRefusal = 'max_lifetime' | 'idle' | 'reuse';

/**
 * One token kind's strategy (fosite's introspector): `claims` is a cheap, I/O-free
 * test of the token's shape; `introspect` answers null for anything not active.
 */
export interface TokenIntrospector {
  readonly kind: TokenKind;
  claims(token: string): boolean;
  /** Whether this instance verified the token as active a moment ago (held in memory); no I/O. */
  remembers(token: string): boolean;
  introspect(token: string, context: IntrospectionContext): Promise<ActiveToken | null>;
}

/** The profile fields a token carries of its user (no password hash, no timestamps beyond creation). */
export function ownerOf(user: User): TokenOwner {
  return { id: user.id, username: user.username, displayName: user.displayName, email: user.email, isAdmin: user.isAdmin, createdAt: user.createdAt };
}
