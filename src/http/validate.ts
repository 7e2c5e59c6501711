import type { z } from 'zod';
import { invalidRequest } from '../errors.js';

/** Parses input with a zod schema; the first problem becomes a 400 naming the field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw invalidRequest(field ? `${field}: ${issue.message}` : issue.message);
}
