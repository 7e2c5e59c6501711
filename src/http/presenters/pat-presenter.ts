import type { PersonalAccessToken } from '../../entities/index.js';
import { NO_USE_POLICY, patStanding, type PatUsePolicy } from '../../tokens/introspection/pat-introspector.js';
import type { PatResponse, PatWithSecretResponse } from '../schemas/response-schemas.js';

/** The public shape of a token record (CodeArts' ImpersonationToken fields and more). Never the secret. */
export function presentPat(pat: PersonalAccessToken, now: Date, policy: PatUsePolicy = NO_USE_POLICY): PatResponse {
  const standing = patStanding(pat, now, policy);
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
    last_used_ips: (pat.lastUsedIps ?? []).map((e) => ({ ip: e.ip, used_at: e.at })),
    last_used_user_agent: pat.lastUsedUserAgent,
    revoked: pat.revokedAt !== null,
    active: standing === 'active',
    inactive_reason: standing === 'active' ? null : standing,
    impersonation: pat.impersonation,
    ip_allowlist: pat.ipAllowlist ?? [],
    secret_issued_at: (pat.secretIssuedAt ?? pat.createdAt).toISOString(),
    previous_secret_valid_until: pat.previousTokenDigest && pat.graceEndsAt ? pat.graceEndsAt.toISOString() : null,
  };
}

/** The one response that carries the secret: right after create, regenerate or rotate. */
export function presentPatWithSecret(pat: PersonalAccessToken, token: string, now: Date, policy: PatUsePolicy = NO_USE_POLICY): PatWithSecretResponse {
  return { ...presentPat(pat, now, policy), token };
}
