import type { PersonalAccessToken } from '../../entities/index.js';
import { isActive } from '../../tokens/introspection/pat-introspector.js';
import type { PatResponse, PatWithSecretResponse } from '../schemas/response-schemas.js';

/** The public shape of a token record (CodeArts' ImpersonationToken fields and more). Never the secret. */
export function presentPat(pat: PersonalAccessToken, now: Date): PatResponse {
  return {
    id: pat.id,
    name: pat.name,
    description: pat.description,
    scopes: pat.scopes,
    token_last_four: pat.tokenLastFour,
    created_at: pat.createdAt.toISOString(),
    expires_at: pat.expiresAt?.toISOString() ?? null,
    last_used_at: pat.lastUsedAt?.toISOString() ?? null,
    last_used_ip: pat.lastUsedIp,
    revoked: pat.revokedAt !== null,
    active: isActive(pat, now),
    impersonation: pat.impersonation,
    ip_allowlist: pat.ipAllowlist ?? [],
  };
}

/** The one response that carries the secret: right after create or regenerate. */
export function presentPatWithSecret(pat: PersonalAccessToken, token: string, now: Date): PatWithSecretResponse {
  return { ...presentPat(pat, now), token };
}
