import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'koa';

/**
 * The Koa context of the request oidc-provider is handling, for what it calls without one:
 * its storage adapter keeps anonymous sessions in the browser's cookies (see SessionAdapter).
 */
export class RequestScope {
  private readonly storage = new AsyncLocalStorage<Context>();

  /** Provider middleware (`provider.use`): everything the provider does for a request sees it. */
  readonly middleware = (ctx: Context, next: () => Promise<void>): Promise<void> => {
    return this.storage.run(ctx, function inRequestScope() {
      return next();
    });
  };

  /** The request being handled, or undefined outside one (services, the CLI). */
  current(): Context | undefined {
    return this.storage.getStore();
  }
}
