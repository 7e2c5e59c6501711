import type { z } from 'zod';
import type { Container } from '../container.js';
import type { User } from '../entities/index.js';
import { ApiError } from '../errors.js';
import { validate } from '../http/validate.js';
import { usageError } from './cli-error.js';

/**
 * Checks command-line input with the HTTP API's own schema, so the CLI accepts exactly what
 * the API accepts; a problem is a usage error (exit 2) naming the field.
 */
export function validateInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  try {
    return validate(schema, input);
  } catch (err) {
    if (err instanceof ApiError) throw usageError(err.description);
    throw err;
  }
}

/** The account named on the command line; a clear error naming it if there is none. */
export async function findUser(c: Container, username: string): Promise<User> {
  try {
    return await c.users.getByUsername(username.toLowerCase());
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw new ApiError(404, 'not_found', `no user named "${username}"`);
    throw err;
  }
}
