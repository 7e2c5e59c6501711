import type { z } from 'zod';
import { type ApiError, invalidRequest } from '../errors.js';

/** Parses input with a zod schema; the first problem becomes a 400 naming the field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(result.error);
}

/** A schema's failure as the 400 a client sees: the first problem, naming its field. */
export function invalidInput(error: z.ZodError): ApiError {
  const issue = error.issues[0]!;
  const field = issue.path.join('.');
  return invalidRequest(field ? `${field}: ${issue.message}` : issue.message);
}
