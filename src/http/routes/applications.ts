import Router from '@koa/router';
import type { UserState } from '../state.js';
import { authenticateUser } from '../middleware/authenticate-password.js';
import { jsonBody } from '../middleware/body-parsers.js';
import { presentApplication, presentApplicationWithSecret } from '../presenters/application-presenter.js';
import { createApplicationSchema, updateApplicationSchema } from '../schemas/application-schemas.js';
import { recordId } from '../path-params.js';
import { validate } from '../validate.js';
import type { ApplicationService } from '../../services/application-service.js';
import type { PasswordSignIn } from '../../security/password-sign-in.js';
import { originOf } from '../request-origin.js';

/** What the OAuth apps API needs. */
export interface ApplicationRouteDeps {
  applications: ApplicationService;
  signIn: PasswordSignIn;
}

/** /api/v1/user/applications — the OAuth apps a user registered (like GitHub's OAuth Apps). */
export function applicationRoutes(c: ApplicationRouteDeps): Router {
  const router = new Router<UserState>({ prefix: '/api/v1/user/applications' });
  router.use(authenticateUser(c.signIn), jsonBody());

  router.get('/', async function listApplications(ctx) {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = (await c.applications.list(ctx.state.user)).map(presentApplication);
  });

  router.post('/', async function createApplication(ctx) {
    const { app, secret } = await c.applications.create(ctx.state.user, validate(createApplicationSchema, ctx.request.body ?? {}));
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Location', `/api/v1/user/applications/${app.id}`);
    ctx.body = presentApplicationWithSecret(app, secret);
  });

  router.get('/:id', async function getApplication(ctx) {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentApplication(await c.applications.get(ctx.state.user, recordId(ctx.params.id, 'application')));
  });

  router.patch('/:id', async function updateApplication(ctx) {
    const id = recordId(ctx.params.id, 'application');
    const app = await c.applications.update(ctx.state.user, id, validate(updateApplicationSchema, ctx.request.body ?? {}));
    ctx.body = presentApplication(app);
  });

  router.post('/:id/secret', async function regenerateSecret(ctx) {
    const { app, secret } = await c.applications.regenerateSecret(ctx.state.user, recordId(ctx.params.id, 'application'));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentApplicationWithSecret(app, secret);
  });

  router.delete('/:id', async function deleteApplication(ctx) {
    await c.applications.delete(ctx.state.user, recordId(ctx.params.id, 'application'), originOf(ctx));
    ctx.status = 204;
  });

  return router;
}
