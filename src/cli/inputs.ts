import type { z } from 'zod';
import type { Container } from '../container.js';
import type { User } from '../entities/index.js';
import { ApiError } from '../errors.js';
import { validate } from '../http/validate.js';
import { labelsFrom } from '../messages/index.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './cli-error.js';
import type { Command } from './command.js';

/**
 * Checks command-line input with the HTTP API's own schema, so the CLI accepts exactly what
 * the API accepts; a problem is a 400 ApiError, reported (commandError) as a usage error
 * naming the command's flag.
 */
export function validateInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  return validate(schema, input);
}

/**
 * A service's or a schema's error as the CLI reports it: in English, the field named by the
 * command's flag (`--expires-in-days: must be at least 1`); bad input (400) exits 2, the rest 1.
 */
export function commandError(err: unknown, command: Pick<Command, 'flags'>): unknown {
  if (!(err instanceof ApiError)) return err;
  return new CliError(err.describe('en', labelsFrom(command.flags ?? {})), err.status === 400 ? EXIT_USAGE : EXIT_FAILURE);
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
