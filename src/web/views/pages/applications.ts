import { APPLICATION_GRANT_TYPES, type ApplicationGrantType, type OAuthApplication } from '../../../entities/index.js';
import type { MessageKey } from '../../i18n/index.js';
import { formatDateTime } from '../format.js';
import { html, type Html } from '../html.js';
import { csrfField, formError, layout, type PageContext } from '../layout.js';
import { secretField } from './secret-field.js';

export const APPS = '/settings/applications';

/** The app form as typed (strings and flags), to re-render it with an error. */
export interface AppFormValues {
  name: string;
  homepageUrl: string;
  /** One URI per line. */
  redirectUris: string;
  /** One URI per line. */
  postLogoutRedirectUris: string;
  type: 'confidential' | 'public';
  grantTypes: string[];
  introspection: boolean;
}

const GRANT_LABELS: Record<ApplicationGrantType, MessageKey> = {
  authorization_code: 'apps.grant.authorization_code',
  refresh_token: 'apps.grant.refresh_token',
  client_credentials: 'apps.grant.client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code': 'apps.grant.device_code',
};

/** Settings → Developer apps: the apps this user registered. */
export function applicationListPage(ctx: PageContext, view: { apps: OAuthApplication[] }): string {
  const { t } = ctx;
  return layout(ctx, {
    title: t('apps.title'),
    section: 'applications',
    body: html`<div class="page-head">
  <h1>${t('apps.title')}</h1>
  <div class="actions"><a class="button primary" href="${APPS}/new">${t('apps.new')}</a></div>
</div>
<p class="intro">${t('apps.intro')}</p>
${view.apps.length === 0
  ? html`<p class="empty">${t('apps.empty')}</p>`
  : html`<div class="table-wrap"><table class="apps">
<caption class="visually-hidden">${t('apps.title')}</caption>
<thead><tr><th scope="col">${t('apps.col.name')}</th><th scope="col">${t('apps.col.client_id')}</th><th scope="col">${t('apps.col.type')}</th>
<th scope="col">${t('apps.col.redirects')}</th><th scope="col">${t('common.created')}</th></tr></thead>
<tbody>${view.apps.map((app) => html`<tr>
  <th scope="row"><a href="${APPS}/${app.id}">${app.name}</a></th>
  <td><code>${app.clientId}</code></td>
  <td>${t(`apps.type.${app.type}`)}</td>
  <td>${app.redirectUris.map((u) => html`<code class="uri">${u}</code><br>`)}</td>
  <td>${formatDateTime(app.createdAt)}</td>
</tr>`)}</tbody>
</table></div>`}`,
  });
}

export interface AppFormView {
  mode: 'create' | 'edit';
  values: AppFormValues;
  error?: string;
  /** The app being edited: shows its client id, secret hint and the danger zone. */
  app?: OAuthApplication;
}

/** Register / edit an app: name, homepage, redirect URIs, type (create only), grant types, introspection. */
export function applicationFormPage(ctx: PageContext, view: AppFormView): string {
  const { t } = ctx;
  const v = view.values;
  const app = view.app;
  const title = app ? t('apps.edit_title', { name: app.name }) : t('apps.new_title');
  const action = app ? `${APPS}/${app.id}` : APPS;
  const describedBy = view.error ? html` aria-describedby="form-error"` : '';
  return layout(ctx, {
    title,
    section: 'applications',
    body: html`<h1>${title}</h1>
${app ? appFacts(ctx, app) : ''}
${formError(ctx, view.error)}
<form method="post" action="${action}" class="stack app-form"${describedBy}>
  ${csrfField(ctx)}
  <label for="name">${t('apps.name')}</label>
  <input id="name" name="name" required maxlength="100" value="${v.name}">
  <label for="homepage_url">${t('apps.homepage')}</label>
  <input id="homepage_url" name="homepage_url" type="url" maxlength="2000" value="${v.homepageUrl}" aria-describedby="homepage-hint">
  <small id="homepage-hint">${t('apps.homepage_hint')}</small>
  <label for="redirect_uris">${t('apps.redirect_uris')}</label>
  <textarea id="redirect_uris" name="redirect_uris" rows="3" spellcheck="false" aria-describedby="redirect-hint">${v.redirectUris}</textarea>
  <small id="redirect-hint">${t('apps.redirect_uris_hint')}</small>
  <label for="post_logout_redirect_uris">${t('apps.post_logout_redirect_uris')}</label>
  <textarea id="post_logout_redirect_uris" name="post_logout_redirect_uris" rows="2" spellcheck="false" aria-describedby="post-logout-hint">${v.postLogoutRedirectUris}</textarea>
  <small id="post-logout-hint">${t('apps.post_logout_redirect_uris_hint')}</small>
  ${view.mode === 'create' ? typeFieldset(ctx, v.type) : ''}
  <fieldset>
    <legend>${t('apps.grant_types')}</legend>
    ${APPLICATION_GRANT_TYPES.map((g, i) => html`<div><label class="choice"><input type="checkbox" id="grant-${i}" name="grant_types" value="${g}"${v.grantTypes.includes(g) ? html` checked` : ''}> ${t(GRANT_LABELS[g])}</label></div>`)}
  </fieldset>
  <label class="choice"><input type="checkbox" name="introspection" value="1"${v.introspection ? html` checked` : ''}> ${t('apps.introspection')}</label>
  <div class="actions">
    <button type="submit" class="primary">${view.mode === 'create' ? t('apps.register') : t('form.save')}</button>
    <a href="${APPS}">${t('form.cancel')}</a>
  </div>
</form>
${app ? dangerZone(ctx, app) : ''}`,
  });
}

function typeFieldset(ctx: PageContext, type: AppFormValues['type']): Html {
  const { t } = ctx;
  return html`<fieldset>
    <legend>${t('apps.type')}</legend>
    ${(['confidential', 'public'] as const).map((value) => html`<div class="radio-hint">
      <label class="choice"><input type="radio" name="type" value="${value}"${type === value ? html` checked` : ''} aria-describedby="type-${value}-hint"> ${t(`apps.type.${value}`)}</label>
      <small id="type-${value}-hint">${t(value === 'confidential' ? 'apps.type_confidential_hint' : 'apps.type_public_hint')}</small>
    </div>`)}
  </fieldset>`;
}

function appFacts(ctx: PageContext, app: OAuthApplication): Html {
  const { t } = ctx;
  return html`<dl class="facts">
  <dt>${t('apps.client_id_label')}</dt><dd><code>${app.clientId}</code></dd>
  <dt>${t('apps.col.type')}</dt><dd>${t(`apps.type.${app.type}`)}</dd>
  <dt>${t('apps.col.secret')}</dt><dd>${app.secretLastFour ? html`<code>…${app.secretLastFour}</code>` : t('apps.no_secret')}</dd>
</dl>`;
}

function dangerZone(ctx: PageContext, app: OAuthApplication): Html {
  const { t } = ctx;
  return html`<section class="danger-zone" aria-labelledby="danger-zone">
  <h2 id="danger-zone">${t('apps.danger_zone')}</h2>
  <div class="actions">
    ${app.type === 'confidential' ? html`<a class="button" href="${APPS}/${app.id}/secret">${t('apps.regenerate_secret')}</a>` : ''}
    <a class="button danger" href="${APPS}/${app.id}/delete">${t('apps.delete')}</a>
  </div>
</section>`;
}

/** The one page that shows a client secret: after registration or regeneration, once. */
export function applicationSecretPage(ctx: PageContext, view: { name: string; clientId: string; secret: string | null; created: boolean; appId: number }): string {
  const { t } = ctx;
  const title = view.created ? t('apps.created_title') : t('apps.secret_title');
  return layout(ctx, {
    title,
    section: 'applications',
    body: html`<section>
<h1>${title}</h1>
<p class="token-name-line"><strong>${view.name}</strong></p>
${secretField(ctx, 'client-id', t('apps.client_id_label'), view.clientId)}
${view.secret
  ? html`<p class="warning" role="alert">${t('created.warning')}</p>${secretField(ctx, 'client-secret', t('apps.secret_label'), view.secret)}`
  : ''}
<p><a href="${APPS}/${view.appId}">${t('apps.back')}</a></p>
</section>`,
  });
}
