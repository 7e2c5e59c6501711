import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of a presented token (or digest) with the expected one. */
export function tokensEqual(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
