import { notFound } from '../errors.js';
import { grantIdParamSchema } from './schemas/application-schemas.js';

/** What a missing record is called in the 404 (see `notFound`). */
type RecordKind = Parameters<typeof notFound>[0];

const MAX_ID = 2147483647;

/**
 * A record id from the URL: a positive 32-bit integer in plain decimal. Anything else (`abc`,
 * `1e5`, `0x1f`, ` 12`, `2147483648`, 300 letters) names no record: 404, exactly as for an id
 * that does not exist, never a 400 that tells a prober the shape it got wrong.
 */
export function recordId(raw: string | undefined, kind: RecordKind): number {
  if (!raw || !/^[1-9][0-9]{0,9}$/.test(raw)) throw notFound(kind);
  const id = Number(raw);
  if (id > MAX_ID) throw notFound(kind);
  return id;
}

/** A grant id from the URL (oidc-provider's: base64url, at most 128 characters); else 404. */
export function grantId(raw: string | undefined): string {
  const parsed = grantIdParamSchema.safeParse(raw);
  if (!parsed.success) throw notFound('authorization');
  return parsed.data;
}
