import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import { accountIdOf } from '../../entities/index.js';
import { ApiError } from '../../errors.js';
import { formBody } from '../../http/middleware/body-parsers.js';
import type { RequestContext, RequestState } from '../../http/state.js';
import type { ScopeRegistry } from '../../scopes/scope-registry.js';
import type { PasswordSignIn } from '../../security/password-sign-in.js';
import type { SecurityLog } from '../../services/security-log.js';
import type { UserService } from '../../services/user-service.js';
import { originOf } from '../../http/request-origin.js';
import { signInRefusal } from '../forms/sign-in-form.js';
import { requestLang, translator } from '../i18n/index.js';
import type { InteractionCsrf } from './csrf.js';
import { PAGE_HEADERS, renderConsent, renderError, renderLogin } from './pages.js';

export interface InteractionDeps {
  provider: Provider;
  users: UserService;
  scopes: ScopeRegistry;
  signIn: PasswordSignIn;
  csrf: InteractionCsrf;
  securityLog: Pick<SecurityLog, 'record'>;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const interactionForm = formBody('16kb');

/**
 * /interaction/:uid — the pages oidc-provider sends a browser to when it needs the user:
 * sign in (username + password) and consent (the app's name and each requested scope).
 * Each POST carries the interaction's CSRF token; results go back through interactionResult.
 */
export function interactionRoutes(deps: InteractionDeps): Router {
  const { provider, csrf } = deps;
  const router = new Router<RequestState>({ prefix: '/interaction' });
  router.use(pageHeaders, renderFailures);

  router.get('/:uid', async function showInteraction(ctx) {
    const details = await loadInteraction(ctx, provider);
    const signedIn = webSessionLogin(ctx, details);
    if (signedIn) {
      ctx.status = 303;
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, signedIn, { mergeWithLastSubmission: false }));
      return;
    }
    await showPrompt(ctx, deps, details);
  });

  router.post('/:uid', interactionForm, async function submitInteraction(ctx) {
    const details = await loadInteraction(ctx, provider);
    const form = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (!csrf.verify(details.uid, form.csrf_token)) {
      throw new ApiError(403, 'invalid_request', 'the form has expired or did not come from this site; go back and try again');
    }
    let result: InteractionResults;
    if (form.action === 'abort') {
      result = { error: 'access_denied', error_description: 'End-User aborted interaction' };
    } else if (details.prompt.name === 'login' && form.action === 'login') {
      const login = await signIn(ctx, deps, details, form);
      if (!login) return;
      result = login;
    } else if (details.prompt.name === 'consent' && form.action === 'confirm') {
      result = { consent: { grantId: await saveGrant(ctx, deps, details) } };
    } else {
      throw new ApiError(400, 'invalid_request', 'this form does not match the current step; go back and try again');
    }
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: 'consent' in result });
    ctx.status = 303;
    ctx.redirect(returnTo);
  });

  return router;
}

async function loadInteraction(ctx: Context, provider: Provider): Promise<Details> {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== ctx.params.uid) throw new errors.SessionNotFound('interaction session and URL do not match');
  return details;
}

async function showPrompt(ctx: Context, deps: InteractionDeps, details: Details, overrides: { error?: string; username?: string; status?: number } = {}): Promise<void> {
  const lang = requestLang(ctx);
  const client = await deps.provider.Client.find(String(details.params.client_id));
  if (!client) throw new errors.InvalidClient('client not found');
  const clientName = client.clientName ?? client.clientId;
  const action = `/interaction/${encodeURIComponent(details.uid)}`;
  const csrfToken = deps.csrf.tokenFor(details.uid);
  ctx.type = 'html';
  ctx.status = overrides.status ?? 200;
  if (details.prompt.name === 'login') {
    ctx.body = renderLogin({ lang, action, csrfToken, clientName, username: overrides.username, error: overrides.error });
    return;
  }
  if (details.prompt.name === 'consent') {
    const user = details.session?.accountId ? await deps.users.findById(Number(details.session.accountId)) : null;
    if (!user) throw new errors.SessionNotFound('the signed-in account no longer exists');
    const requested = String(details.params.scope ?? '').split(' ').filter(Boolean);
    const scopes = requested.flatMap((name) => {
      const def = deps.scopes.get(name);
      return def ? [{ name, description: def.description[lang] }] : [];
    });
    ctx.body = renderConsent({ lang, action, csrfToken, clientName, homepageUrl: client.clientUri, username: user.username, scopes });
    return;
  }
  throw new errors.InvalidRequest(`unsupported interaction prompt: ${details.prompt.name}`);
}

/** Signs in with the form's username and password; on failure re-renders the form and returns null. */
async function signIn(ctx: Context, deps: InteractionDeps, details: Details, form: Record<string, unknown>): Promise<InteractionResults | null> {
  const username = typeof form.username === 'string' ? form.username : '';
  const password = typeof form.password === 'string' ? form.password : '';
  const result = await deps.signIn.signIn(username, password, ctx.ip, {
    door: 'oauth',
    userAgent: ctx.get('User-Agent') || undefined,
    clientId: String(details.params.client_id),
  });
  if (result.outcome === 'signed-in') return { login: { accountId: accountIdOf(result.user) } };
  const refusal = signInRefusal(result, translator(requestLang(ctx)));
  ctx.set(refusal.headers);
  await showPrompt(ctx, deps, details, { error: refusal.message, username: username.slice(0, 64), status: refusal.status });
  return null;
}

/**
 * A browser already signed in to Tessera's own pages is not asked for its password again,
 * unless the app asked for a fresh sign-in (prompt=login, max_age, a particular user …):
 * oidc-provider then gives reasons beyond "no_session". Consent still needs its POST.
 */
function webSessionLogin(ctx: RequestContext, details: Details): InteractionResults | null {
  const user = ctx.state.sessionUser;
  if (!user || details.prompt.name !== 'login') return null;
  if (!details.prompt.reasons.every((reason) => reason === 'no_session')) return null;
  return { login: { accountId: accountIdOf(user) } };
}

/** Adds what the consent prompt found missing to the (new or existing) grant, and records it in the user's security log. */
async function saveGrant(ctx: Context, { provider, users, securityLog }: InteractionDeps, details: Details): Promise<string> {
  const accountId = details.session?.accountId;
  if (!accountId) throw new errors.SessionNotFound('sign in first');
  const user = await users.findById(Number(accountId));
  if (!user) throw new errors.SessionNotFound('the signed-in account no longer exists');
  const clientId = String(details.params.client_id);
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  const added = [...(missing.missingOIDCScope ?? []), ...Object.values(missing.missingResourceScopes ?? {}).flat()];
  await securityLog.record({
    action: 'oauth.grant_given',
    user,
    actor: user,
    clientId,
    origin: originOf(ctx),
    details: { scopes: [...new Set(added)] },
  });
  return grantId;
}

const pageHeaders: Middleware = async function pageHeaders(ctx, next) {
  ctx.set(PAGE_HEADERS);
  await next();
};

/** These are pages for people: failures render as an HTML page, not JSON. */
const renderFailures: Middleware = async function renderInteractionFailures(ctx, next) {
  try {
    await next();
  } catch (err) {
    const e = err as { status?: number; statusCode?: number; error?: string; error_description?: string; expose?: boolean };
    if (err instanceof ApiError) {
      ctx.status = err.status;
      ctx.set(err.headers);
      ctx.type = 'html';
      ctx.body = renderError({ lang: requestLang(ctx), error: err.code, description: err.describe(requestLang(ctx)) });
    } else if (err instanceof errors.OIDCProviderError || (e.expose && (e.status ?? 500) < 500)) {
      ctx.status = e.statusCode ?? e.status ?? 400;
      ctx.type = 'html';
      ctx.body = renderError({ lang: requestLang(ctx), error: e.error ?? 'invalid_request', description: e.error_description });
    } else {
      throw err;
    }
  }
};
