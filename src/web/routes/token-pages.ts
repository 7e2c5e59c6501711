import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
import type { PageContext } from '../views/layout.js';
import type { FieldLabel } from '../../messages/index.js';
import { tokenFormLabels } from '../forms/field-labels.js';
import { recordId } from '../../http/path-params.js';
import { originOf } from '../../http/request-origin.js';
import { lineOfText } from '../../http/schemas/text.js';
import { tokenFormPage, type TokenFormValues, type TokenFormView } from '../views/pages/token-form-page.js';
import { tokenSecretPage } from '../views/pages/token-secret.js';
import { tokenListPage } from '../views/pages/tokens.js';
import { emptyTokenForm, readTokenForm, toCreateInput, toUpdateInput, tokenFormFrom } from '../forms/token-form.js';
import { sendPage, setFlash, takeFlash } from '../middleware/page-context.js';
import { pageOf, seeOther, sessionOf, webRouter } from './web-router.js';
import { confirmAction } from './confirm-action.js';
import { shownOnce } from './shown-once.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { PatService } from '../../services/pat-service.js';
import type { IssuancePolicy } from '../../services/issuance-policy.js';
import type { ScopeRegistry } from '../../scopes/scope-registry.js';
import type { WebSessionService } from '../../services/web-session-service.js';

const PAGE_SIZE = 20;
const LIST = '/settings/tokens';
export const REVEAL_PATH = '/settings/tokens/reveal';

/** Lenient on purpose: a hand-edited query string falls back to the defaults instead of failing. */
const listQuery = z.object({
  state: z.enum(['all', 'active', 'inactive']).catch('all'),
  search: lineOfText(100).catch('').default(''),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** What the token pages need. */
export interface TokenPageDeps {
  clock: Clock;
  logger: Logger;
  pats: PatService;
  policy: IssuancePolicy;
  scopes: ScopeRegistry;
  webSessions: WebSessionService;
}

/**
 * Runs a service call for a form; a client error (400/409/…) comes back as the message to show
 * inline, in the page's language, naming the input by its label on the form.
 */
export async function formAttempt(page: PageContext, labels: FieldLabel, action: () => Promise<void>): Promise<string | undefined> {
  try {
    await action();
    return undefined;
  } catch (err) {
    if (err instanceof ApiError && err.status < 500 && err.status !== 404) return err.describe(page.lang, labels);
    throw err;
  }
}

/** Settings → Access tokens: list, new, reveal once, edit, regenerate, delete, delete all. All through c.pats. */
export function tokenPages(c: TokenPageDeps): Router {
  const router = webRouter(c, { signedIn: true });
  const formView = (ctx: Context, view: Pick<TokenFormView, 'mode' | 'title' | 'action'> & { values: TokenFormValues; error?: string }): string =>
    tokenFormPage(pageOf(ctx), {
      ...view,
      cancelHref: LIST,
      scopes: c.scopes.apiScopes(),
      maxLifetimeDays: c.policy.patMaxLifetimeDays,
    });
  const patParam = (ctx: Context) => c.pats.get(sessionOf(ctx).user, recordId(ctx.params.id, 'token'));

  router.get(LIST, async function listTokenPage(ctx) {
    const q = listQuery.parse(ctx.query);
    const [tokens, total] = await c.pats.list(sessionOf(ctx).user, {
      state: q.state,
      search: q.search || undefined,
      offset: (q.page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    await takeFlash(c.webSessions, ctx);
    sendPage(ctx, tokenListPage(pageOf(ctx), { tokens, total, page: q.page, pageSize: PAGE_SIZE, state: q.state, search: q.search, now: c.clock() }));
  });

  router.get(`${LIST}/new`, async function newTokenPage(ctx) {
    const t = pageOf(ctx).t;
    sendPage(ctx, formView(ctx, { mode: 'create', title: t('form.new_title'), action: LIST, values: emptyTokenForm() }));
  });

  router.post(LIST, async function createTokenFromForm(ctx) {
    const session = sessionOf(ctx);
    const values = readTokenForm(ctx.request.body ?? {});
    const error = await formAttempt(pageOf(ctx), tokenFormLabels(pageOf(ctx).t), async () => {
      const { pat, token } = await c.pats.create(session.user, toCreateInput(values), 'personal', undefined, originOf(ctx));
      await c.webSessions.put(session, 'reveal', { token, name: pat.name, regenerated: false, back: LIST });
    });
    if (error) {
      const t = pageOf(ctx).t;
      return sendPage(ctx, formView(ctx, { mode: 'create', title: t('form.new_title'), action: LIST, values, error: t('form.error', { message: error }) }), 400);
    }
    seeOther(ctx, REVEAL_PATH);
  });

  shownOnce(router, c.webSessions, {
    path: REVEAL_PATH,
    key: 'reveal',
    gone: { flash: 'created.gone', to: LIST },
    render: (ctx, reveal) => tokenSecretPage(pageOf(ctx), { ...reveal, section: reveal.back.startsWith('/admin') ? 'admin' : 'tokens' }),
  });

  confirmAction(router, {
    path: `${LIST}/delete-all`,
    section: 'tokens',
    async ask(ctx, t) {
      const [, count] = await c.pats.list(sessionOf(ctx).user, { state: 'all', offset: 0, limit: 1 });
      return { title: t('confirm.delete_all_title'), message: t('confirm.delete_all_body', { count }), confirmLabel: t('confirm.yes_delete_all'), cancelHref: LIST };
    },
    async act(ctx, session) {
      await c.pats.deleteAll(session.user, originOf(ctx));
      await setFlash(c.webSessions, session, 'flash.deleted_all');
      return LIST;
    },
  });

  router.get(`${LIST}/:id/edit`, async function editTokenPage(ctx) {
    const pat = await patParam(ctx);
    const t = pageOf(ctx).t;
    sendPage(ctx, formView(ctx, { mode: 'edit', title: t('form.edit_title', { name: pat.name }), action: `${LIST}/${pat.id}/edit`, values: tokenFormFrom(pat) }));
  });

  router.post(`${LIST}/:id/edit`, async function updateTokenFromForm(ctx) {
    const session = sessionOf(ctx);
    const id = recordId(ctx.params.id, 'token');
    const pat = await c.pats.get(session.user, id);
    const values = readTokenForm(ctx.request.body ?? {});
    const error = await formAttempt(pageOf(ctx), tokenFormLabels(pageOf(ctx).t), async () => {
      const updated = await c.pats.update(session.user, id, toUpdateInput(values), originOf(ctx));
      await setFlash(c.webSessions, session, 'flash.updated', { name: updated.name });
    });
    if (error) {
      const t = pageOf(ctx).t;
      return sendPage(ctx, formView(ctx, { mode: 'edit', title: t('form.edit_title', { name: pat.name }), action: `${LIST}/${id}/edit`, values, error: t('form.error', { message: error }) }), 400);
    }
    seeOther(ctx, LIST);
  });

  confirmAction(router, {
    path: `${LIST}/:id/regenerate`,
    section: 'tokens',
    async ask(ctx, t) {
      const pat = await patParam(ctx);
      return { title: t('confirm.regenerate_title', { name: pat.name }), message: t('confirm.regenerate_body'), confirmLabel: t('confirm.yes_regenerate'), cancelHref: LIST };
    },
    async act(ctx, session) {
      const { pat, token } = await c.pats.regenerate(session.user, recordId(ctx.params.id, 'token'), {}, originOf(ctx));
      await c.webSessions.put(session, 'reveal', { token, name: pat.name, regenerated: true, back: LIST });
      return REVEAL_PATH;
    },
  });

  confirmAction(router, {
    path: `${LIST}/:id/delete`,
    section: 'tokens',
    async ask(ctx, t) {
      const pat = await patParam(ctx);
      return { title: t('confirm.delete_title', { name: pat.name }), message: t('confirm.delete_body'), confirmLabel: t('confirm.yes_delete'), cancelHref: LIST };
    },
    async act(ctx, session) {
      await c.pats.delete(session.user, recordId(ctx.params.id, 'token'), originOf(ctx));
      await setFlash(c.webSessions, session, 'flash.deleted');
      return LIST;
    },
  });

  return router;
}
