import type { ActiveToken } from './active-token.js';

/** RFC 7662 members plus Tessera's own (token_kind, pat_id, impersonation). */
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
  token_kind?: ActiveToken['kind'];
  pat_id?: number;
  impersonation?: boolean;
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

  async describe(token: ActiveToken): Promise<IntrospectionBody> {
    const body: IntrospectionBody = {
      active: true,
      scope: token.scopes.join(' '),
      client_id: token.clientId,
      username: token.username,
      sub: token.userId !== null ? String(token.userId) : token.clientId,
      token_type: token.kind === 'refresh_token' ? 'refresh_token' : (token.tokenType ?? 'Bearer'),
      exp: token.expiresAt ? seconds(token.expiresAt) : undefined,
      iat: seconds(token.issuedAt),
      aud: token.audience,
      iss: this.issuer,
      token_kind: token.kind,
      pat_id: token.patId,
      impersonation: token.impersonation,
    };
    for (const key of Object.keys(body) as (keyof IntrospectionBody)[]) if (body[key] === undefined) delete body[key];
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
