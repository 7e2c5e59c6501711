import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';

/**
 * Runs oidc-provider's own middleware (its router) inside Tessera's Koa app, as koa-mount
 * would at the root: our request id, logging and security headers wrap it, its routes answer
 * with its own RFC 6749/6750 responses, and anything it does not route falls through to
 * `next` (Tessera's 404). The issuer has no path, so nothing needs rewriting.
 */
export function mountProvider(provider: Provider): Middleware {
  return function oidcProvider(ctx, next) {
    const stack = provider.middleware as unknown as Middleware[];
    const dispatch = (i: number): Promise<void> => (i === stack.length ? next() : Promise.resolve(stack[i]!(ctx, () => dispatch(i + 1))));
    return dispatch(0);
  };
}
