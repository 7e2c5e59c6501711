import type { Context } from 'koa';
import type { RequestOrigin } from '../services/security-log.js';

/** The client address (as trusted proxies report it) and user agent, for the security log. */
export function originOf(ctx: Pick<Context, 'ip' | 'get'>): RequestOrigin {
  return { ip: ctx.ip, userAgent: ctx.get('User-Agent') || undefined };
}
