import { z } from 'zod';
import { MAX_GRACE_SECONDS, type CreatePatInput, type ExpiryInput, type RotateInput, type UpdatePatInput } from '../../services/pat-service.js';
import { lineOfText, paragraphOfText } from './text.js';

const name = lineOfText(100).min(1, 'v.empty');
const description = paragraphOfText(1000).nullable();
const scopes = z.array(z.string().max(100)).min(1, 'v.choose_scope').max(100);
const ipAllowlist = z.array(z.string().max(64)).max(100, 'v.items_max').nullable();

/** A date (YYYY-MM-DD, midnight UTC: the token stops working when that day begins) or an ISO date-time. */
// zod's ISO checks refuse days a month does not have (Date.parse would roll 2030-02-31 over to March).
const expiresAt = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'v.date' })
  .transform((v) => new Date(v))
  .nullable();

const expiry = {
  expires_in_days: z.number().int('v.whole_days').min(1).max(36500).optional(),
  expires_at: expiresAt.optional(),
};

// Each body schema yields the service's input, so every door (API, web form, CLI) maps fields alike.

export const createPatSchema = z
  .strictObject({
    name,
    description: description.optional(),
    scopes,
    ip_allowlist: ipAllowlist.optional(),
    ...expiry,
  })
  .transform(
    (b): CreatePatInput => ({
      name: b.name,
      description: b.description,
      scopes: b.scopes,
      ipAllowlist: b.ip_allowlist,
      expiresInDays: b.expires_in_days,
      expiresAt: b.expires_at,
    }),
  );

export const updatePatSchema = z
  .strictObject({ name: name.optional(), description: description.optional(), scopes: scopes.optional(), ip_allowlist: ipAllowlist.optional() })
  .refine((v) => Object.keys(v).length > 0, 'v.nothing_to_change_pat')
  .transform((b): UpdatePatInput => ({ name: b.name, description: b.description, scopes: b.scopes, ipAllowlist: b.ip_allowlist }));

export const regeneratePatSchema = z
  .strictObject(expiry)
  .transform((b): ExpiryInput => ({ expiresInDays: b.expires_in_days, expiresAt: b.expires_at }));

/** A rotation: optionally a new lifetime (from now), and how long the replaced secret keeps working. */
export const rotatePatSchema = z
  .strictObject({
    expires_in_days: expiry.expires_in_days,
    grace_seconds: z.number().int('v.whole_number').min(0).max(MAX_GRACE_SECONDS).optional(),
  })
  .transform((b): RotateInput => ({ expiresInDays: b.expires_in_days, graceSeconds: b.grace_seconds }));

/** CodeArts' list filters. */
export const listPatQuerySchema = z.object({
  state: z.enum(['all', 'active', 'inactive']).default('all'),
  search: lineOfText(100).optional(),
  offset: z.coerce.number().int('v.whole_number').min(0).max(2147483647).default(0),
  limit: z.coerce.number().int('v.whole_number').min(1).max(100).default(20),
});

export const idParamSchema = z.coerce.number().int().min(1).max(2147483647);
