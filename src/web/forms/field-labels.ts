import { labelsFrom, type FieldLabel } from '../../messages/index.js';
import type { Translate } from '../i18n/index.js';

/**
 * How each form names its inputs in an error ("Name: must not be empty"): the label the
 * reader sees on the page, not the JSON field the service reports.
 */
export function tokenFormLabels(t: Translate): FieldLabel {
  const expiry = t('form.expiry');
  return labelsFrom({
    name: t('form.name'),
    description: t('form.description'),
    scopes: t('form.scopes'),
    ip_allowlist: t('form.allowlist'),
    expires_in_days: expiry,
    expires_at: expiry,
  });
}

export function appFormLabels(t: Translate): FieldLabel {
  return labelsFrom({
    name: t('apps.name'),
    homepage_url: t('apps.homepage'),
    redirect_uris: t('apps.redirect_uris'),
    post_logout_redirect_uris: t('apps.post_logout_redirect_uris'),
    type: t('apps.type'),
    grant_types: t('apps.grant_types'),
    scopes: t('form.scopes'),
  });
}

export function newUserFormLabels(t: Translate): FieldLabel {
  return labelsFrom({
    username: t('admin.col.username'),
    email: t('admin.email'),
    name: t('admin.display_name'),
    password: t('auth.password'),
  });
}
