import { renderMessage, type FieldLabel, type Lang, type Message, type MessageKey, type MessageParams } from './messages/index.js';

/**
 * An error that is an OAuth-style answer: a code, a description and an HTTP status.
 * The error-handler middleware is the one place that turns it into a response.
 *
 * The description is either a plain (English) string or a Message — a stable key with its
 * parameters and field — which each door renders in the reader's language (`describe`).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  /** The description in English: logs, and doors that speak only English. */
  readonly description: string;
  /** The description as a key and parameters, when it has one. */
  readonly detail: Message | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    description: string | Message,
    /** Extra response headers, e.g. WWW-Authenticate. */
    readonly headers: Record<string, string | string[]> = {},
  ) {
    const english = typeof description === 'string' ? description : renderMessage(description, 'en');
    super(english);
    this.description = english;
    this.detail = typeof description === 'string' ? undefined : description;
  }

  /** The description in `lang`, naming its field with `label` (a form label, a CLI flag) when given. */
  describe(lang: Lang, label?: FieldLabel): string {
    return this.detail ? renderMessage(this.detail, lang, label) : this.description;
  }
}

/** A message about the request as a whole, or about one field of it. */
export const message = (key: MessageKey, params?: MessageParams, field?: string): Message => ({ key, ...(params ? { params } : {}), ...(field ? { field } : {}) });

export const invalidRequest = (description: string | Message) => new ApiError(400, 'invalid_request', description);
/** A 400 about one input field: `invalidField('name', 'v.empty')` reads "name: must not be empty". */
export const invalidField = (field: string, key: MessageKey, params?: MessageParams) => invalidRequest(message(key, params, field));
export const invalidScope = (description: string | Message) => new ApiError(400, 'invalid_scope', description);
export const notFound = (what: 'resource' | 'user' | 'token' | 'application' | 'authorization' = 'resource') =>
  new ApiError(404, 'not_found', message(`not_found.${what}`));
export const forbidden = (description: string | Message) => new ApiError(403, 'access_denied', description);
