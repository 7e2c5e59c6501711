import type { CookiesSetOptions, KoaContextWithOIDC } from 'oidc-provider';

const DAY = 24 * 60 * 60;

/** A browser signed in to the authorization server stays so this long (seconds). */
export const SIGNED_IN_SESSION_TTL = 14 * DAY;

/**
 * A session nobody signed in to only carries a form's xsrf secret from one page to the next
 * (kept in the browser: see SessionAdapter); an hour covers a device code's longest life.
 */
export const ANONYMOUS_SESSION_TTL = 60 * 60;

/** The provider's cookies (`_session`, `_interaction`, …): signed with COOKIE_KEYS, never read by scripts. */
export const PROVIDER_COOKIE_OPTIONS = { signed: true, httpOnly: true, sameSite: 'lax' } as const;

/** `ttl.Session`: long for signed-in browsers, short for the rest. */
export function sessionTtl(_ctx: KoaContextWithOIDC, session: { accountId?: string }): number {
  return session.accountId ? SIGNED_IN_SESSION_TTL : ANONYMOUS_SESSION_TTL;
}

/**
 * Saves a session the provider touched after its session middleware had finished: its error
 * handler for the device pages puts a fresh xsrf secret into the session of a browser that had
 * none (a POST /device without a session cookie, or whose session expired), then its
 * `ensureSessionSave` calls `persist()`, which throws for a session never saved ("persist can
 * only be called on previously persisted Sessions", a 500). Saving it here, with its cookie,
 * as the session middleware would have, makes that `persist()` work and the re-rendered form usable.
 */
export async function saveSessionTouchedLate(ctx: KoaContextWithOIDC): Promise<void> {
  const session = ctx.oidc.session;
  if (!session || typeof session.exp === 'number') return;
  const ttl = sessionTtl(ctx, session);
  await session.save(ttl);
  ctx.oidc.cookies.set(ctx.oidc.provider.cookieName('session'), session.jti, { ...PROVIDER_COOKIE_OPTIONS, maxAge: ttl * 1000 } as CookiesSetOptions);
}
