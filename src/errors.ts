/**
 * An error that is an OAuth-style answer: a code, a description and an HTTP status.
 * The error-handler middleware is the one place that turns it into a response.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    /** Extra response headers, e.g. WWW-Authenticate. */
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(description);
  }
}

export const invalidRequest = (description: string) => new ApiError(400, 'invalid_request', description);
export const invalidScope = (description: string) => new ApiError(400, 'invalid_scope', description);
export const notFound = (what = 'resource') => new ApiError(404, 'not_found', `${what} not found`);
export const forbidden = (description: string) => new ApiError(403, 'access_denied', description);
