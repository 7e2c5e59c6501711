import type { ActiveToken } from './active-token.js';

/** RFC 7662 members plus Tessera's own (token_kind, pat_id, impersonation, rotated). */
export interface IntrospectionBody {
  active: boolean;
  scope?: string;
  client_id?: string;
  username?: string;
  sub?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  aud?: string | string[];
  iss?: string;
  cnf?: ActiveToken['confirmation'];
  token_kind?: ActiveToken['kind'];
  pat_id?: number;
  impersonation?: boolean;
  /** A PAT's secret replaced by rotation, still in its grace period (`exp` is the grace end). */
  rotated?: boolean;
}

/** Signs a JWT with the server's current signing key (the provider's JWKS). */
export type JwtSigner = (payload: Record<string, unknown>, typ: string) => Promise<string>;

/** Turns an active token into the endpoint's answer, as JSON members or an RFC 9701 JWT. */
export class IntrospectionResponder {
  constructor(
    private readonly issuer: string,
    private readonly signJwt: JwtSigner | null,
    private readonly now: () => Date,
  ) {}

  describe(token: ActiveToken): IntrospectionBody {
    // Members are added only when present (rather than deleted afterwards): the object keeps one
    // shape, which keeps JSON.stringify on the hot path fast.
    const body: IntrospectionBody = { active: true, scope: token.scopes.join(' ') };
    if (token.clientId !== undefined) body.client_id = token.clientId;
    if (token.username !== undefined) body.username = token.username;
    const sub = token.userId !== null ? String(token.userId) : token.clientId;
    if (sub !== undefined) body.sub = sub;
    body.token_type = token.kind === 'refresh_token' ? 'refresh_token' : (token.tokenType ?? 'Bearer');
    if (token.expiresAt) body.exp = seconds(token.expiresAt);
    body.iat = seconds(token.issuedAt);
    if (token.audience !== undefined) body.aud = token.audience;
    body.iss = this.issuer;
    if (token.confirmation) body.cnf = token.confirmation;
    body.token_kind = token.kind;
    if (token.patId !== undefined) body.pat_id = token.patId;
    if (token.impersonation !== undefined) body.impersonation = token.impersonation;
    if (token.rotated !== undefined) body.rotated = token.rotated;
    return body;
  }

  /** RFC 9701: the answer wrapped in a signed JWT addressed to the caller. */
  async sign(body: IntrospectionBody, audience: string): Promise<string> {
    if (!this.signJwt) throw new Error('no signing key configured for JWT introspection responses');
    return this.signJwt({ iss: this.issuer, aud: audience, iat: seconds(this.now()), token_introspection: body }, 'token-introspection+jwt');
  }
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
