import type { IncomingMessage } from 'node:http';
import { ApiError, invalidField, message } from '../errors.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** Whether a Content-Type header names a form body (media types are case-insensitive). */
export function isFormContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase() === FORM_CONTENT_TYPE;
}

/**
 * Reads an `application/x-www-form-urlencoded` body into a flat object of strings with
 * URLSearchParams, refusing repeated parameters (RFC 6749 §3.1) and bodies over `limitBytes`
 * (413). Lighter than the general body parser: the introspection hot path runs it.
 */
export function readForm(req: IncomingMessage, limitBytes: number): Promise<Record<string, string>> {
  if (Number(req.headers['content-length']) > limitBytes) {
    req.resume();
    return Promise.reject(tooLarge(limitBytes));
  }
  return readBody(req, limitBytes, parseForm);
}

function parseForm(raw: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (Object.hasOwn(form, key)) throw invalidField(key, 'http.repeated_parameter');
    form[key] = value;
  }
  return form;
}

/**
 * The request body as UTF-8, parsed; a 413 once it passes `limit` bytes. Plain events and one
 * promise: cheaper than an async iterator, on a path where every promise counts.
 */
function readBody<T>(req: IncomingMessage, limit: number, parse: (raw: string) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
      } else chunks.push(chunk);
    });
    req.once('end', () => {
      try {
        resolve(parse(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8')));
      } catch (err) {
        reject(err);
      }
    });
    // A client that hangs up mid-body is a bad request, not a server failure.
    req.once('error', () => reject(new ApiError(400, 'invalid_request', message('http.incomplete_body'))));
  });
}

const tooLarge = (limit: number) => new ApiError(413, 'invalid_request', message('http.body_over_limit', { limit }));
