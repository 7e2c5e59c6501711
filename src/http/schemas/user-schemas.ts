import { z } from 'zod';
import { lineOfText } from './text.js';
import { NEW_USERNAME } from '../../security/identifiers.js';
import type { CreateUserInput } from '../../services/user-service.js';

/** A new username, exactly as it will be stored and typed at sign-in (docs/security.md#usernames-and-emails-one-canonical-form). */
export const usernameField = z.string().regex(NEW_USERNAME, 'v.username');

/** An email address (ASCII); stored lower-cased. */
export const emailField = z.email('v.email').max(254);

/** A new password: at least 8 characters; at most 1024, the most a sign-in will check. */
export const newPasswordField = z.string().min(8, 'v.chars_min').max(1024);

/** A new account, as admins create it through the API and operators through `tessera user create`. */
export const createUserSchema = z.strictObject({
  username: usernameField,
  email: emailField,
  name: lineOfText(128).min(1, 'v.empty').optional(),
  password: newPasswordField,
  admin: z.boolean().optional(),
});

/** A checked createUserSchema body as UserService.create takes it. */
export function toCreateUserInput(body: z.infer<typeof createUserSchema>): CreateUserInput {
  return { username: body.username, email: body.email, displayName: body.name, password: body.password, isAdmin: body.admin };
}

/** GET /api/v1/users paging. */
export const listUsersQuerySchema = z.object({
  offset: z.coerce.number().int().min(0, 'must be 0 or more').default(0),
  limit: z.coerce.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100').default(20),
});
