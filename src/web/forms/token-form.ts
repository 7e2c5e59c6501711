import type { PersonalAccessToken } from '../../entities/index.js';
import { formatDate } from '../views/format.js';
import type { TokenFormValues } from '../views/pages/token-form-page.js';
import { createPatSchema, updatePatSchema } from '../../http/schemas/pat-schemas.js';
import { validate } from '../../http/validate.js';
import type { CreatePatInput, UpdatePatInput } from '../../services/pat-service.js';
import { formBody, list, text } from './form-values.js';

/** The form as typed (strings), to re-render it with an error. */
export function readTokenForm(input: unknown): TokenFormValues {
  const body = formBody(input);
  return {
    name: text(body.name),
    description: text(body.description),
    expiry: text(body.expiry),
    expiresOn: text(body.expires_on),
    scopes: list(body.scopes),
    allowlist: text(body.allowlist),
  };
}

/** Blank form for "New token": 30 days, nothing checked. */
export function emptyTokenForm(): TokenFormValues {
  return { name: '', description: '', expiry: '30', expiresOn: '', scopes: [], allowlist: '' };
}

/** An existing token as form values, for "Edit". */
export function tokenFormFrom(pat: PersonalAccessToken): TokenFormValues {
  return {
    name: pat.name,
    description: pat.description ?? '',
    expiry: pat.expiresAt ? 'custom' : 'none',
    expiresOn: pat.expiresAt ? formatDate(pat.expiresAt) : '',
    scopes: pat.scopes,
    allowlist: (pat.ipAllowlist ?? []).join('\n'),
  };
}

function allowlistEntries(value: string): string[] | null {
  const entries = value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  return entries.length ? entries : null;
}

/**
 * The form in the JSON API's shape, checked by the API's own schema, so the two front doors
 * accept exactly the same input. Problems throw ApiError(400), shown inline by the caller.
 */
export function toCreateInput(v: TokenFormValues): CreatePatInput {
  const expiry: Record<string, unknown> = {};
  if (/^\d+$/.test(v.expiry)) expiry.expires_in_days = Number(v.expiry);
  else if (v.expiry === 'custom') expiry.expires_at = v.expiresOn;
  else if (v.expiry !== 'none') expiry.expires_in_days = Number.NaN; // no choice made: the schema names the field
  return validate(createPatSchema, { ...apiFields(v), ...expiry });
}

/** Edit form → PatService.update input (name, description, scopes, allowlist). */
export function toUpdateInput(v: TokenFormValues): UpdatePatInput {
  return validate(updatePatSchema, apiFields(v));
}

/** What both forms send in the API's shape (the new-token form adds the expiry). */
function apiFields(v: TokenFormValues) {
  return {
    name: v.name,
    description: v.description.trim() || null,
    scopes: v.scopes,
    ip_allowlist: allowlistEntries(v.allowlist),
  };
}
