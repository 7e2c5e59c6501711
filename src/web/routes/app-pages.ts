import type Router from '@koa/router';
import type { Context } from 'koa';
import { recordId } from '../../http/path-params.js';
import { APPS, applicationFormPage, applicationListPage, applicationSecretPage, type AppFormView } from '../views/pages/applications.js';
import { appFormLabels } from '../forms/field-labels.js';
import { appFormFrom, emptyAppForm, readAppForm, toApplicationInput, toApplicationUpdate } from '../forms/app-form.js';
import { sendPage, setFlash, takeFlash } from '../middleware/page-context.js';
import { formAttempt } from './token-pages.js';
import { confirmAction } from './confirm-action.js';
import { shownOnce } from './shown-once.js';
import { pageOf, seeOther, sessionOf, webRouter } from './web-router.js';
import type { ApplicationService } from '../../services/application-service.js';
import type { Logger } from '../../logger.js';
import type { WebSessionService } from '../../services/web-session-service.js';
import { originOf } from '../../http/request-origin.js';

const REVEAL = `${APPS}/reveal`;

/** What the developer-app pages need. */
export interface ApplicationPageDeps {
  applications: ApplicationService;
  logger: Logger;
  webSessions: WebSessionService;
}

/** Settings → Developer apps: register, edit, regenerate the secret (shown once), delete. All through c.applications. */
export function applicationPages(c: ApplicationPageDeps): Router {
  const router = webRouter(c, { signedIn: true });
  const formPage = (ctx: Context, view: AppFormView, status = 200) => {
    const t = pageOf(ctx).t;
    sendPage(ctx, applicationFormPage(pageOf(ctx), { ...view, error: view.error && t('form.error', { message: view.error }) }), status);
  };
  const appParam = (ctx: Context) => c.applications.get(sessionOf(ctx).user, recordId(ctx.params.id, 'application'));

  router.get(APPS, async function listApplicationsPage(ctx) {
    const apps = await c.applications.list(sessionOf(ctx).user);
    await takeFlash(c.webSessions, ctx);
    sendPage(ctx, applicationListPage(pageOf(ctx), { apps }));
  });

  router.get(`${APPS}/new`, async function newApplicationPage(ctx) {
    formPage(ctx, { mode: 'create', values: emptyAppForm() });
  });

  router.post(APPS, async function registerApplicationFromForm(ctx) {
    const session = sessionOf(ctx);
    const values = readAppForm(ctx.request.body);
    const error = await formAttempt(pageOf(ctx), appFormLabels(pageOf(ctx).t), async () => {
      const { app, secret } = await c.applications.create(session.user, toApplicationInput(values));
      await c.webSessions.put(session, 'appSecret', { appId: app.id, name: app.name, clientId: app.clientId, secret, created: true });
    });
    if (error) return formPage(ctx, { mode: 'create', values, error }, 400);
    seeOther(ctx, REVEAL);
  });

  shownOnce(router, c.webSessions, {
    path: REVEAL,
    key: 'appSecret',
    gone: { flash: 'apps.secret_gone', to: APPS },
    render: (ctx, reveal) => applicationSecretPage(pageOf(ctx), reveal),
  });

  router.get(`${APPS}/:id`, async function editApplicationPage(ctx) {
    const app = await appParam(ctx);
    await takeFlash(c.webSessions, ctx);
    formPage(ctx, { mode: 'edit', app, values: appFormFrom(app) });
  });

  router.post(`${APPS}/:id`, async function updateApplicationFromForm(ctx) {
    const session = sessionOf(ctx);
    const app = await appParam(ctx);
    const values = { ...readAppForm(ctx.request.body), type: app.type };
    const error = await formAttempt(pageOf(ctx), appFormLabels(pageOf(ctx).t), async () => {
      const updated = await c.applications.update(session.user, app.id, toApplicationUpdate(values));
      await setFlash(c.webSessions, session, 'flash.app_updated', { name: updated.name });
    });
    if (error) return formPage(ctx, { mode: 'edit', app, values, error }, 400);
    seeOther(ctx, APPS);
  });

  confirmAction(router, {
    path: `${APPS}/:id/secret`,
    section: 'applications',
    async ask(ctx, t) {
      const app = await appParam(ctx);
      return {
        title: t('confirm.regenerate_secret_title', { name: app.name }),
        message: t('confirm.regenerate_secret_body'),
        confirmLabel: t('apps.regenerate_secret'),
        cancelHref: `${APPS}/${app.id}`,
      };
    },
    async act(ctx, session) {
      const { app, secret } = await c.applications.regenerateSecret(session.user, recordId(ctx.params.id, 'application'));
      await c.webSessions.put(session, 'appSecret', { appId: app.id, name: app.name, clientId: app.clientId, secret, created: false });
      return REVEAL;
    },
  });

  confirmAction(router, {
    path: `${APPS}/:id/delete`,
    section: 'applications',
    async ask(ctx, t) {
      const app = await appParam(ctx);
      return { title: t('confirm.delete_app_title', { name: app.name }), message: t('confirm.delete_app_body'), confirmLabel: t('apps.delete'), cancelHref: `${APPS}/${app.id}` };
    },
    async act(ctx, session) {
      await c.applications.delete(session.user, recordId(ctx.params.id, 'application'), originOf(ctx));
      await setFlash(c.webSessions, session, 'flash.app_deleted');
      return APPS;
    },
  });

  return router;
}
