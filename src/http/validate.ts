import type { z } from 'zod';
import { type ApiError, invalidRequest, message } from '../errors.js';
import { isMessageKey, type Message, type MessageKey, type MessageParams } from '../messages/index.js';

/** Parses input with a zod schema; the first problem becomes a 400 naming the field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  // reportInput tells a missing field ("is required") from one of the wrong type.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw invalidInput(result.error);
}

/** A schema's failure as the 400 a client sees: the first problem, naming its field. */
export function invalidInput(error: z.ZodError): ApiError {
  return invalidRequest(issueMessage(error.issues[0]!));
}

const TYPE_KEYS: Record<string, MessageKey> = {
  string: 'v.type_string',
  number: 'v.type_number',
  int: 'v.whole_number',
  boolean: 'v.type_boolean',
  array: 'v.type_array',
  object: 'v.type_object',
};

/**
 * One zod issue as a Message. Schemas name their own messages by key (`.min(1, 'v.empty')`);
 * zod's built-in checks are mapped by issue code, so no English sentence of zod's reaches a client.
 */
export function issueMessage(issue: z.core.$ZodIssue): Message {
  const field = issue.path.map(String).join('.') || undefined;
  const { key, params } = keyed(issue);
  return message(key, params, field);
}

function keyed(issue: z.core.$ZodIssue): { key: MessageKey; params?: MessageParams } {
  const custom = (issue as { params?: MessageParams }).params;
  if (isMessageKey(issue.message)) return { key: issue.message, params: { ...limits(issue), ...custom } };
  switch (issue.code) {
    case 'invalid_type':
      return { key: issue.input === undefined ? 'v.required' : (TYPE_KEYS[issue.expected] ?? 'v.type') };
    case 'too_small':
      return { key: issue.origin === 'string' ? 'v.chars_min' : issue.origin === 'number' ? 'v.number_min' : 'v.items_min', params: limits(issue) };
    case 'too_big':
      return { key: issue.origin === 'string' ? 'v.chars_max' : issue.origin === 'number' ? 'v.number_max' : 'v.items_max', params: limits(issue) };
    case 'invalid_value':
      return { key: 'v.one_of', params: { values: issue.values.map(String).join(', ') } };
    case 'invalid_format':
      return { key: issue.format === 'email' ? 'v.email' : 'v.format' };
    case 'unrecognized_keys':
      return { key: 'v.unknown_fields', params: { fields: issue.keys.join(', ') } };
    default:
      return { key: 'v.invalid' };
  }
}

function limits(issue: z.core.$ZodIssue): MessageParams {
  const { minimum, maximum } = issue as { minimum?: number | bigint; maximum?: number | bigint };
  return { ...(minimum !== undefined ? { min: Number(minimum) } : {}), ...(maximum !== undefined ? { max: Number(maximum) } : {}) };
}
