import { z } from 'zod';
import { lineOfText } from './text.js';

/** A new account, as admins create it through the API and operators through `tessera user create`. */
export const createUserSchema = z.strictObject({
  // Spelled out rather than with the `i` flag: JSON Schema patterns (the OpenAPI document) have no flags.
  username: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "." and "-", at most 64'),
  email: z.email().max(254),
  name: lineOfText(128).min(1, 'must not be empty').optional(),
  password: z.string().min(8, 'must be at least 8 characters').max(1024),
  admin: z.boolean().optional(),
});

/** GET /api/v1/users paging. */
export const listUsersQuerySchema = z.object({
  offset: z.coerce.number().int().min(0, 'must be 0 or more').default(0),
  limit: z.coerce.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100').default(20),
});
