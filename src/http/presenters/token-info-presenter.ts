import type { IdentifiedToken } from '../../services/leaked-tokens.js';
import { patStatus } from '../../tokens/introspection/pat-introspector.js';
import type { TokenInfoResponse } from '../schemas/response-schemas.js';

const iso = (seconds: number | undefined) => (seconds !== undefined ? new Date(seconds * 1000).toISOString() : null);

/** Any token, as an administrator sees it (GitLab's token information API). */
export function presentTokenInfo(found: IdentifiedToken): TokenInfoResponse {
  const owner = found.owner ? { id: found.owner.id, username: found.owner.username } : null;
  if ('token' in found) {
    const t = found.token;
    const expired = t.exp !== undefined && t.exp * 1000 <= found.now.getTime();
    return {
      kind: found.kind,
      id: null,
      owner,
      client_id: t.clientId ?? null,
      authorization_id: t.grantId ?? null,
      scopes: t.scope ? t.scope.split(' ') : [],
      state: t.active ? 'active' : expired ? 'expired' : 'revoked',
      created_at: iso(t.iat),
      expires_at: iso(t.exp),
      last_used_at: null,
    };
  }
  const pat = found.pat;
  return {
    kind: found.kind,
    id: pat.id,
    owner,
    client_id: null,
    authorization_id: null,
    scopes: pat.scopes,
    state: patStatus(pat, found.now),
    created_at: pat.createdAt.toISOString(),
    expires_at: pat.expiresAt?.toISOString() ?? null,
    last_used_at: pat.lastUsedAt?.toISOString() ?? null,
  };
}
