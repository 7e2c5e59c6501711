import type { OAuthApplication } from '../../entities/index.js';
import { createApplicationSchema, updateApplicationSchema } from '../../http/schemas/application-schemas.js';
import { validate } from '../../http/validate.js';
import type { AppFormValues } from '../views/pages/applications.js';
import type { ApplicationInput, ApplicationUpdate } from '../../services/application-service.js';
import { formBody, list, text } from './form-values.js';

const lines = (value: string): string[] => value.split(/\s+/).map((s) => s.trim()).filter(Boolean);

/** The form as typed, to re-render it with an error. */
export function readAppForm(input: unknown): AppFormValues {
  const body = formBody(input);
  return {
    name: text(body.name),
    homepageUrl: text(body.homepage_url),
    redirectUris: text(body.redirect_uris),
    postLogoutRedirectUris: text(body.post_logout_redirect_uris),
    type: body.type === 'public' ? 'public' : 'confidential',
    grantTypes: list(body.grant_types),
    introspection: body.introspection === '1',
  };
}

/** Blank "Register an app" form: a confidential web app using the code flow with refresh tokens. */
export function emptyAppForm(): AppFormValues {
  return { name: '', homepageUrl: '', redirectUris: '', postLogoutRedirectUris: '', type: 'confidential', grantTypes: ['authorization_code', 'refresh_token'], introspection: false };
}

export function appFormFrom(app: OAuthApplication): AppFormValues {
  return {
    name: app.name,
    homepageUrl: app.homepageUrl ?? '',
    redirectUris: app.redirectUris.join('\n'),
    postLogoutRedirectUris: app.postLogoutRedirectUris.join('\n'),
    type: app.type,
    grantTypes: app.grantTypes,
    introspection: app.introspection,
  };
}

/** The form in the JSON API's shape, for the API's own schema (same rules at both doors); the type is fixed once created. */
function apiFields(v: AppFormValues) {
  return {
    name: v.name,
    homepage_url: v.homepageUrl.trim() || null,
    redirect_uris: lines(v.redirectUris),
    post_logout_redirect_uris: lines(v.postLogoutRedirectUris),
    grant_types: v.grantTypes,
    introspection: v.introspection,
  };
}

export function toApplicationInput(v: AppFormValues): ApplicationInput {
  return validate(createApplicationSchema, { ...apiFields(v), type: v.type });
}

export function toApplicationUpdate(v: AppFormValues): ApplicationUpdate {
  return validate(updateApplicationSchema, apiFields(v));
}
