import { z } from 'zod';
import { APPLICATION_GRANT_TYPES } from '../../entities/index.js';
import type { ApplicationInput, ApplicationUpdate } from '../../services/application-service.js';
import { lineOfText } from './text.js';

const name = lineOfText(100).min(1, 'v.empty');
const homepageUrl = lineOfText(2000).nullable();
const redirectUris = z.array(lineOfText(2000)).max(10, 'v.items_max');
const grantTypes = z.array(z.enum(APPLICATION_GRANT_TYPES)).min(1, 'app.no_grant_type');
const scopes = z.array(z.string().max(100)).max(100).nullable();

// Each body schema yields the service's input, so every door (API, web form, CLI) maps fields alike.

export const createApplicationSchema = z
  .strictObject({
    name,
    homepage_url: homepageUrl.optional(),
    redirect_uris: redirectUris.default([]),
    post_logout_redirect_uris: redirectUris.default([]),
    type: z.enum(['confidential', 'public']).default('confidential'),
    grant_types: grantTypes.optional(),
    scopes: scopes.optional(),
    introspection: z.boolean().default(false),
  })
  .transform(
    (b): ApplicationInput => ({
      name: b.name,
      homepageUrl: b.homepage_url,
      redirectUris: b.redirect_uris,
      postLogoutRedirectUris: b.post_logout_redirect_uris,
      type: b.type,
      grantTypes: b.grant_types,
      scopes: b.scopes,
      introspection: b.introspection,
    }),
  );

export const updateApplicationSchema = z
  .strictObject({
    name: name.optional(),
    homepage_url: homepageUrl.optional(),
    redirect_uris: redirectUris.optional(),
    post_logout_redirect_uris: redirectUris.optional(),
    grant_types: grantTypes.optional(),
    scopes: scopes.optional(),
    introspection: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'v.nothing_to_change')
  .transform(
    (b): ApplicationUpdate => ({
      name: b.name,
      homepageUrl: b.homepage_url,
      redirectUris: b.redirect_uris,
      postLogoutRedirectUris: b.post_logout_redirect_uris,
      grantTypes: b.grant_types,
      scopes: b.scopes,
      introspection: b.introspection,
    }),
  );

/** An authorization (grant) id in a URL: oidc-provider's ids are base64url, at most 128 characters. */
export const grantIdParamSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
