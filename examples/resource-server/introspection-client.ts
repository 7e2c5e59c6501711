import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { presentedToken } from './credentials.js';
import type { ScopeCatalog } from './scope-catalog.js';

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

/** What `requireScopes` needs: the introspection client and the scope registry's implications. */
export interface TokenCheck {
  introspection: IntrospectionClient;
  scopes: ScopeCatalog;
}

// git and curl prompt for credentials (and then send the token as a Basic password) only when offered Basic.
const CHALLENGES = (error?: string) => [`Bearer realm="api"${error ? `, error="${error}"` : ''}`, 'Basic realm="api", charset="UTF-8"'];

/**
 * Koa middleware: a token (Bearer, `token`, or the password of Basic, as git sends it) that is
 * active and whose scopes cover every required one, counting what they imply; otherwise RFC 6750
 * 401/403, or 503 when Tessera cannot be asked.
 */
export function requireScopes(check: TokenCheck, ...required: string[]): Middleware {
  return async function requireIntrospectedScopes(ctx, next) {
    const token = presentedToken(ctx.get('Authorization') || undefined);
    let result: IntrospectionResult = { active: false };
    let allowed = false;
    try {
      if (token) result = await check.introspection.introspect(token, ctx.ip);
      allowed = result.active && (await check.scopes.satisfies((result.scope ?? '').split(' ').filter(Boolean), required));
    } catch {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { error: 'temporarily_unavailable', error_description: 'the authorization server cannot be reached' };
      return;
    }
    if (!result.active) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', CHALLENGES(token ? 'invalid_token' : undefined));
      ctx.body = { error: 'invalid_token', error_description: 'the access token is invalid, expired or revoked' };
      return;
    }
    if (!allowed) {
      ctx.status = 403;
      ctx.set('WWW-Authenticate', `Bearer realm="api", error="insufficient_scope", scope="${required.join(' ')}"`);
      ctx.body = { error: 'insufficient_scope', error_description: `needs scope ${required.join(' ')}` };
      return;
    }
    ctx.state.token = result;
    await next();
  };
}
