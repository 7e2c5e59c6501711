import type { Middleware } from 'koa';

/**
 * Makes the request's origin the issuer's, whatever the client wrote: `ctx.host`, `ctx.hostname`,
 * `ctx.origin` and `ctx.href` (from which oidc-provider's `ctx.oidc.urlFor` builds every URL it
 * advertises: discovery, `verification_uri`, form actions, resume redirects) come from ISSUER,
 * never from `Host`, `X-Forwarded-Host` or an absolute request target (`GET http://evil.example/…`,
 * which is reduced to its path). The scheme of those URLs is the issuer's too; `ctx.protocol` and
 * `ctx.secure` still describe the connection (a trusted proxy's X-Forwarded-Proto), so cookies
 * are `Secure` exactly when it is https.
 */
export function issuerOrigin(issuer: string): Middleware {
  const { origin, host, hostname } = new URL(issuer);
  return async function pinOriginToIssuer(ctx, next) {
    if (ABSOLUTE_FORM.test(ctx.originalUrl)) {
      // Routes, `next` links and logs see the path, as for any other request.
      const path = pathOf(ctx.originalUrl);
      ctx.url = path;
      ctx.originalUrl = ctx.request.originalUrl = path;
    }
    Object.defineProperties(ctx.request, {
      host: { value: host },
      hostname: { value: hostname },
      origin: { value: origin },
      href: { value: `${origin}${ctx.originalUrl.startsWith('/') ? ctx.originalUrl : '/'}` },
    });
    return next();
  };
}

/** `GET http://host/path HTTP/1.1`: the form meant for proxies, which Node hands over as req.url. */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The path and query of an absolute-form request target, else `/`. */
function pathOf(target: string): string {
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return '/';
  }
}
