import type { PersonalAccessToken } from '../../entities/index.js';
import { isActive } from '../../tokens/introspection/pat-introspector.js';

/** `2026-11-23 13:05 UTC`: unambiguous in both languages, no locale data needed. */
export function formatDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

export function tokenStatus(pat: PersonalAccessToken, now: Date): TokenStatus {
  if (pat.revokedAt) return 'revoked';
  return isActive(pat, now) ? 'active' : 'expired';
}
