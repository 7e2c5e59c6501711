import { z } from 'zod';
import { lineOfText } from './text.js';

/** A new account, as admins create it through the API and operators through `tessera user create`. */
export const createUserSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i, 'v.username'),
  email: z.email().max(254),
  name: lineOfText(128).min(1, 'v.empty').optional(),
  password: z.string().min(8, 'v.chars_min').max(1024),
  admin: z.boolean().optional(),
});
