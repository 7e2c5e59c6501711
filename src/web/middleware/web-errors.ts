import type { Middleware } from 'koa';
import { ApiError, asBackendUnavailable } from '../../errors.js';
import { errorPage } from '../views/pages/error.js';
import type { Logger } from '../../logger.js';
import { sendPage, type PageState } from './page-context.js';

/**
 * Web pages fail as HTML pages, never as JSON or a bare 500: a refused CSRF token is a
 * 403 page, someone else's token a 404 page, a database or Redis that does not answer a 503
 * page with Retry-After. Unknown errors are logged and become a 500 page.
 */
export function webErrors(logger: Logger): Middleware<PageState> {
  return async function renderWebErrors(ctx, next) {
    try {
      await next();
    } catch (thrown) {
      const unavailable = asBackendUnavailable(thrown);
      if (unavailable) logger.error({ err: thrown, requestId: ctx.state.requestId }, 'web page failed: backend unavailable');
      const err = unavailable?.toApiError() ?? thrown;
      const page = ctx.state.page;
      const { t } = page;
      const e = err as { status?: number; expose?: boolean };
      let status = 500;
      let message = t('error.500');
      if (err instanceof ApiError) {
        status = err.status;
        message =
          err.code === 'csrf_failed' ? t('error.403_csrf') : status === 403 ? t('error.403') : status === 404 ? t('error.404') : err.describe(page.lang);
        for (const [name, value] of Object.entries(err.headers)) ctx.set(name, value);
      } else if (e.status && e.status >= 400 && e.status < 500 && e.expose !== false) {
        // Body parsing: too large, wrong type, malformed.
        status = e.status;
        message = (err as Error).message;
      } else {
        logger.error({ err, requestId: ctx.state.requestId }, 'web page failed');
      }
      sendPage(ctx, errorPage(page, status, message), status);
    }
  };
}
