import { z } from 'zod';
import { SECURITY_ACTIONS } from '../../services/security-log.js';
import type { SecurityLogSearch } from '../../services/security-log.js';
import { lineOfText } from './text.js';

const instant = z.iso.datetime({ offset: true, error: 'v.date' }).transform((v) => new Date(v));

const filters = {
  action: z.enum(SECURITY_ACTIONS).optional(),
  hashed_token: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'v.format')
    .optional()
    .describe('base64 of the SHA-256 of the token string'),
  before: instant.optional().describe('entries before this instant'),
  after: instant.optional().describe('entries at or after this instant'),
  offset: z.coerce.number().int('v.whole_number').min(0).max(2147483647).default(0),
  limit: z.coerce.number().int('v.whole_number').min(1).max(100).default(30),
};

const toSearch = (q: { action?: string; hashed_token?: string; before?: Date; after?: Date; offset: number; limit: number }): SecurityLogSearch => ({
  action: q.action,
  hashedToken: q.hashed_token,
  before: q.before,
  after: q.after,
  offset: q.offset,
  limit: q.limit,
});

/** GET /api/v1/user/security-log: the caller's own entries (the query as the OpenAPI document shows it). */
export const securityLogQuery = z.object(filters);
export const securityLogQuerySchema = securityLogQuery.transform(toSearch);

/** GET /api/v1/admin/security-log: everyone's, or one user's. */
export const adminSecurityLogQuery = z.object({
  ...filters,
  user: lineOfText(64).toLowerCase().optional().describe('only the entries of the user of this name (as it was when they were written)'),
});
export const adminSecurityLogQuerySchema = adminSecurityLogQuery.transform((q): SecurityLogSearch => ({ ...toSearch(q), userName: q.user }));
