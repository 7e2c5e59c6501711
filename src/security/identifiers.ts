/**
 * The one canonical form of usernames and emails. Identifiers are stored in it and compared
 * byte for byte (binary collations on MySQL/MariaDB, SQLite's `=`, and an exact check in code
 * after the query). What a person types is brought to it by one rule only: ASCII letters are
 * folded to lower case (a phone keyboard capitalizes the first letter); no trimming, no accent,
 * width or Unicode case folding. A typed name that folds to no possible username names no
 * account and is never looked up.
 */

/** New usernames: lowercase ASCII letters and digits, then also `.`, `_`, `-`; at most 39. */
export const NEW_USERNAME = /^[a-z0-9][a-z0-9._-]{0,38}$/;

/**
 * Every username that can be stored: today's rule, and the older one (up to 64 characters,
 * stored lower-cased) that existing accounts were created under. Anything else names no account.
 */
const STORED_USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function isNewUsername(value: string): boolean {
  return NEW_USERNAME.test(value);
}

/** Typed names that can fold to a stored username: ASCII letters of either case, digits, `.`, `_`, `-`. */
const TYPED_USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The username a person typed (at sign-in, in a URL), in canonical form: `Carol` → `carol`;
 * null when no account can have it (`carol `, `cárol`, `ｃａｒｏｌ`, …).
 */
export function canonicalUsername(typed: string): string | null {
  if (!TYPED_USERNAME.test(typed)) return null;
  const folded = typed.toLowerCase();
  return STORED_USERNAME.test(folded) ? folded : null;
}

/**
 * The stored form of an email address: lower-cased. Addresses are checked as ASCII
 * (zod's `email()`), so lower-casing is the whole of it and two spellings of one address
 * cannot make two accounts.
 */
export function canonicalEmail(value: string): string {
  return value.toLowerCase();
}
