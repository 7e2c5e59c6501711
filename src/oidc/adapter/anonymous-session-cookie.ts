import type { Context } from 'koa';
import Provider, { type AdapterPayload } from 'oidc-provider';
import type { Logger } from '../../logger.js';

const COOKIE = 'tessera.oidc_anon';
/** Browsers keep about 4 kB per cookie, name and attributes included. */
const MAX_VALUE_LENGTH = 3000;

/**
 * Where a session nobody signed in to lives: in the browser, as one cookie signed with
 * COOKIE_KEYS and bound to the session id (the provider's own `_session` cookie). Such a
 * session only carries a form's xsrf secret (and, at /session/end, where to go afterwards)
 * from one page to the next, so any instance can read it back and nothing is stored.
 */
export class AnonymousSessionCookie {
  constructor(private readonly logger: Logger) {}

  /**
   * The cookie of the request the provider is handling (its public `Provider.ctx`, set for each
   * of its routes); undefined outside one (services, the CLI, Tessera's own routes).
   */
  inRequest(): RequestSessionCookie | undefined {
    const ctx: Context | undefined = Provider.ctx;
    return ctx && new RequestSessionCookie(ctx, this.logger);
  }
}

/** The anonymous-session cookie of one request. */
export class RequestSessionCookie {
  constructor(
    private readonly ctx: Context,
    private readonly logger: Logger,
  ) {}

  /** The anonymous session `id`, when this request carries it signed, unexpired and signed-out. */
  find(id: string): AdapterPayload | undefined {
    const value = this.ctx.cookies.get(COOKIE, { signed: true });
    if (!value) return undefined;
    let payload: AdapterPayload;
    try {
      payload = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as AdapterPayload;
    } catch {
      return undefined;
    }
    if (!payload || typeof payload !== 'object' || payload.jti !== id) return undefined;
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) return undefined;
    // Never a signed-in session from a cookie, whatever was signed.
    if ('accountId' in payload) return undefined;
    return payload;
  }

  /** Hands the session to the browser; one too large for a cookie is not kept (its form will say so). */
  keep(payload: AdapterPayload): void {
    const value = Buffer.from(JSON.stringify(payload)).toString('base64url');
    if (value.length > MAX_VALUE_LENGTH || typeof payload.exp !== 'number') {
      this.logger.debug({ length: value.length }, 'anonymous oidc session too large for a cookie; not kept');
      this.clear();
      return;
    }
    this.set(value, new Date(payload.exp * 1000));
  }

  /** True when this request carries session `id` (which is then dropped from the browser). */
  drop(id: string): boolean {
    if (!this.find(id)) return false;
    this.clear();
    return true;
  }

  /** Removes the cookie, if the browser sent one. */
  clear(): void {
    if (this.ctx.cookies.get(COOKIE)) this.set(null);
  }

  private set(value: string | null, expires?: Date): void {
    this.ctx.cookies.set(COOKIE, value, { signed: true, httpOnly: true, sameSite: 'lax', secure: this.ctx.secure, path: '/', expires, overwrite: true });
  }
}
