/**
 * The one canonical form of usernames and emails. Identifiers are compared byte for byte
 * (binary collations on MySQL/MariaDB, SQLite's `=`, and an exact check in code after the
 * query), so every account has exactly one spelling that finds it: no case folding, no
 * trimming, no accent or width folding at sign-in.
 */

/** New usernames: lowercase ASCII letters and digits, then also `.`, `_`, `-`; at most 39. */
export const NEW_USERNAME = /^[a-z0-9][a-z0-9._-]{0,38}$/;
export const NEW_USERNAME_RULE = 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, at most 39';

/**
 * Every username that can be stored: today's rule, and the older one (up to 64 characters,
 * stored lower-cased) that existing accounts were created under. Anything else names no account.
 */
const STORED_USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function isNewUsername(value: string): boolean {
  return NEW_USERNAME.test(value);
}

/** True if `value` can be some account's username, spelled exactly as stored. */
export function isStoredUsername(value: string): boolean {
  return STORED_USERNAME.test(value);
}

/**
 * The stored form of an email address: lower-cased. Addresses are checked as ASCII
 * (zod's `email()`), so lower-casing is the whole of it and two spellings of one address
 * cannot make two accounts.
 */
export function canonicalEmail(value: string): string {
  return value.toLowerCase();
}
