import type Koa from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';

/**
 * Mounts oidc-provider in Tessera's Koa app the way its documentation says for Koa apps
 * (docs/README.md, "Mounting oidc-provider"): `app.use(mount(provider))`. At the root, koa-mount
 * runs the provider's middleware on the app's own request context, so Tessera's request id,
 * logging and security headers wrap it, its routes answer with its own RFC 6749/6750 responses,
 * and anything it does not route falls through to what comes next (Tessera's 404). The issuer has
 * no path, so nothing needs rewriting. Mount it after every `provider.use`: koa-mount composes
 * the provider's middleware once, here.
 *
 * What that means, as the same documentation says: the app's `proxy` setting is the one that
 * counts (the provider's own is not consulted), and the provider signs cookies with two key
 * sets: its interaction and resume cookies through the app's context (the app's `keys`), its
 * session cookie and its reading of the interaction cookie (`interactionDetails`) through a
 * context of its own (its `cookies.keys`). Both must be the same keys, or every sign-in fails;
 * this refuses to mount otherwise. test/oidc/mount.test.ts pins both.
 */
export function mountProvider(app: Koa, provider: Provider): void {
  if (!sameKeys(app.keys, provider.keys)) {
    throw new Error('the authorization server must sign its cookies with the same keys as the app it is mounted in (COOKIE_KEYS)');
  }
  app.use(mount(provider));
}

function sameKeys(a: Koa['keys'], b: Koa['keys']): boolean {
  const list = (keys: Koa['keys']) => (Array.isArray(keys) ? keys.map(String) : []);
  const [x, y] = [list(a), list(b)];
  return x.length > 0 && x.length === y.length && x.every((key, i) => key === y[i]);
}
