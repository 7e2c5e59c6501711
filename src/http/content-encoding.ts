import { ApiError } from '../errors.js';

/**
 * Request bodies are taken as sent (`Content-Encoding: identity`, or none). No OAuth or API
 * client compresses its requests, and inflating them would mean bounding what a small gzip bomb
 * expands to; a compressed or unknown encoding is a 415 that says what is accepted (RFC 7694),
 * whether or not its bytes match. Shared by the Koa body parsers and the introspection endpoint.
 */
export function assertIdentityEncoding(contentEncoding: string | undefined): void {
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new ApiError(415, 'invalid_request', 'request bodies must not be content-encoded (send them with Content-Encoding: identity)', {
      'Accept-Encoding': 'identity',
    });
  }
}
