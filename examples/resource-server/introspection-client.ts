import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';

export interface IntrospectionResult {
  active: boolean;
  scope?: string;
  username?: string;
  sub?: string;
  client_id?: string;
  exp?: number;
  token_kind?: string;
}

export interface IntrospectionClientOptions {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  /** How long an active answer may be reused. Keep it short: it is how late a revoke can bite. */
  cacheSeconds: number;
}

/**
 * Calls Tessera's RFC 7662 endpoint. Active answers are cached for a few seconds (never past
 * the token's `exp`); inactive answers are never cached, and an inactive answer evicts the
 * token at once, so a revoked token is refused as soon as any request re-checks it.
 * The cache is keyed by a SHA-256 of the token and the end user's address (a PAT may be
 * limited to some addresses), so raw tokens do not sit in memory as keys.
 */
export class IntrospectionClient {
  private readonly cache = new Map<string, { result: IntrospectionResult; until: number }>();
  private readonly authorization: string;

  constructor(private readonly options: IntrospectionClientOptions) {
    const user = encodeURIComponent(options.clientId);
    const secret = encodeURIComponent(options.clientSecret);
    this.authorization = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
  }

  async introspect(token: string, endUserIp?: string): Promise<IntrospectionResult> {
    const key = createHash('sha256').update(token).update('\0').update(endUserIp ?? '').digest('base64url');
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.result;
    this.cache.delete(key);

    const body = new URLSearchParams({ token });
    if (endUserIp) body.set('end_user_ip', endUserIp);
    const res = await fetch(this.options.endpoint, {
      method: 'POST',
      headers: { Authorization: this.authorization, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body,
    });
    if (!res.ok) throw new Error(`introspection failed with HTTP ${res.status}`);
    const result = (await res.json()) as IntrospectionResult;
    if (result.active) {
      const until = Math.min(Date.now() + this.options.cacheSeconds * 1000, (result.exp ?? Infinity) * 1000);
      this.cache.set(key, { result, until });
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    }
    return result;
  }
}

/** Koa middleware: a bearer token with every required scope, or RFC 6750 401/403. */
export function requireScopes(client: IntrospectionClient, ...required: string[]): Middleware {
  return async function requireIntrospectedScopes(ctx, next) {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'));
    const result = match ? await client.introspect(match[1]!, ctx.ip) : { active: false };
    if (!result.active) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', `Bearer realm="api"${match ? ', error="invalid_token"' : ''}`);
      ctx.body = { error: 'invalid_token', error_description: 'the access token is invalid, expired or revoked' };
      return;
    }
    const granted = new Set((result.scope ?? '').split(' '));
    if (!required.every((s) => granted.has(s))) {
      ctx.status = 403;
      ctx.set('WWW-Authenticate', `Bearer realm="api", error="insufficient_scope", scope="${required.join(' ')}"`);
      ctx.body = { error: 'insufficient_scope', error_description: `needs scope ${required.join(' ')}` };
      return;
    }
    ctx.state.token = result;
    await next();
  };
}
