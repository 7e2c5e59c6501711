import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';

/** Parses JSON bodies up to 1 MB; bigger → 413, malformed → 400 (see error-handler). */
export function jsonBody(): Middleware {
  return bodyParser({ enableTypes: ['json'], jsonLimit: '1mb' }) as unknown as Middleware;
}
