import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ProviderPages } from '../oidc/provider.js';
import { requestLang } from './i18n/index.js';
import { hiddenFields } from '../oidc/provider-forms.js';
import { saveSessionTouchedLate } from '../oidc/session-policy.js';
import {
  PAGE_HEADERS,
  deviceInputError,
  renderDeviceConfirm,
  renderDeviceInput,
  renderDeviceSuccess,
  renderError,
  renderLoggedOut,
  renderLogout,
} from './interactions/pages.js';

/** oidc-provider's page hooks, answered with Tessera's own pages (interactions/pages.ts). */

function html(ctx: KoaContextWithOIDC, body: string): void {
  ctx.set(PAGE_HEADERS);
  ctx.type = 'html';
  ctx.body = body;
}

const { 'Cache-Control': PAGE_CACHE_CONTROL, ...PAGE_HEADERS_BEFORE_RENDERING } = PAGE_HEADERS;

/**
 * Tessera's page headers on the HTML the provider renders by itself (the auto-submitting forms
 * of /session/end without a session, /device?user_code=… and response_mode=form_post). Set
 * before it renders: the provider adds its inline script's sha256 to the script-src it finds
 * (lib/helpers/script_src_sha.js). Dropped again from what turns out not to be a page (JSON),
 * whose caching the provider decides.
 */
async function providerPageHeaders(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  ctx.set(PAGE_HEADERS_BEFORE_RENDERING);
  await next();
  if (ctx.response.is('html')) ctx.set('Cache-Control', PAGE_CACHE_CONTROL!);
  else for (const name of Object.keys(PAGE_HEADERS_BEFORE_RENDERING)) ctx.remove(name);
}

/** Errors that cannot be redirected back to the app (bad client, bad redirect URI, …). */
async function errorPage(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): Promise<void> {
  html(ctx, renderError({ lang: requestLang(ctx), error: out.error, description: out.error_description }));
}

const deviceFlowPages = {
  // The provider's documented hooks: `form` is its form, to be submitted as it is. The error
  // names are the ones its documented default userCodeInputSource tells apart.
  async userCodeInputSource(ctx: KoaContextWithOIDC, form: string, out?: unknown, err?: { userCode?: string; name?: string }) {
    // Only the provider's error handler passes `err`, after its session middleware has finished.
    if (err) await saveSessionTouchedLate(ctx);
    let error: string | undefined;
    if (err && (err.userCode || err.name === 'NoCodeError')) error = deviceInputError(requestLang(ctx), 'wrong');
    else if (err?.name === 'AbortedError') error = deviceInputError(requestLang(ctx), 'aborted');
    else if (err) error = deviceInputError(requestLang(ctx), 'other');
    html(ctx, renderDeviceInput({ lang: requestLang(ctx), action: ctx.oidc.urlFor('code_verification'), hiddenFields: hiddenFields(form), userCode: err?.userCode, error }));
  },
  async userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, client: { clientName?: string; clientId: string }, _deviceInfo: unknown, userCode: string) {
    html(
      ctx,
      renderDeviceConfirm({
        lang: requestLang(ctx),
        action: ctx.oidc.urlFor('code_verification'),
        form,
        userCode,
        clientName: client.clientName ?? client.clientId,
      }),
    );
  },
  async successSource(ctx: KoaContextWithOIDC) {
    const client = ctx.oidc.client;
    html(ctx, renderDeviceSuccess({ lang: requestLang(ctx), clientName: client?.clientName ?? client?.clientId ?? '' }));
  },
};

const logoutPages = {
  async logoutSource(ctx: KoaContextWithOIDC, form: string) {
    html(ctx, renderLogout({ lang: requestLang(ctx), form }));
  },
  async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
    html(ctx, renderLoggedOut({ lang: requestLang(ctx) }));
  },
};

/** What the provider is handed (see ProviderPages): Tessera's pages in place of its own. */
export const providerPages: ProviderPages = {
  renderError: errorPage,
  deviceFlow: deviceFlowPages as ProviderPages['deviceFlow'],
  logout: logoutPages as ProviderPages['logout'],
  headers: providerPageHeaders,
};
