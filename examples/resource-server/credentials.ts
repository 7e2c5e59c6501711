/**
 * The token a request presents, however its client sends it:
 *
 * - `Authorization: Bearer <token>` (RFC 6750) or `Authorization: token <token>` (GitHub's spelling);
 * - `Authorization: Basic base64(<username>:<token>)`, the token as the password: what git
 *   sends (`https://alice:<token>@git.example/...`, or a credential helper) and `curl -u`.
 *   The username is not checked; the token alone says who it is.
 *
 * Undefined when there is none or the header is malformed.
 */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const bearer = /^(?:Bearer|token)[ \t]+([\x21-\x7e]+)$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic[ \t]+([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  return password || undefined;
}
