/** What an Authorization header carries, whatever the scheme. */
export type Credentials =
  | { scheme: 'bearer'; token: string }
  /** RFC 9449: a DPoP-bound access token, with its proof in the `DPoP` header. */
  | { scheme: 'dpop'; token: string }
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'none' }
  | { scheme: 'malformed' };

const BEARER = /^(?:Bearer|token)[ \t]+([\x21-\x7e]+)$/i;
const BASIC = /^Basic[ \t]+([A-Za-z0-9+/=]+)$/i;
const DPOP = /^DPoP[ \t]+([\x21-\x7e]+)$/i;

/**
 * Reads `Bearer <t>`, `token <t>` (GitHub's spelling), `DPoP <t>` and `Basic base64(user:secret)`
 * (what curl -u and git send). Never throws.
 */
export function parseAuthorization(header: string | undefined): Credentials {
  if (!header) return { scheme: 'none' };
  const bearer = BEARER.exec(header);
  if (bearer) return { scheme: 'bearer', token: bearer[1]! };
  const dpop = DPOP.exec(header);
  if (dpop) return { scheme: 'dpop', token: dpop[1]! };
  const basic = BASIC.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { scheme: 'malformed' };
}
