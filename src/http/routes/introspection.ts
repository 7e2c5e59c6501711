import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { ApiError } from '../../errors.js';
import type { IntrospectionCallers } from '../../tokens/introspection/introspection-callers.js';
import type { IntrospectionResponder } from '../../tokens/introspection/introspection-response.js';
import type { IntrospectorChain } from '../../tokens/introspection/introspector-chain.js';
import { parseAuthorization } from '../credentials.js';
import { validate } from '../validate.js';
import { formBody } from '../middleware/form-body.js';

export const INTROSPECTION_JWT = 'application/token-introspection+jwt';
const CLIENT_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="tessera"' };

const introspectionRequest = z.object({
  token: z.string({ error: 'token is required' }).min(1, 'token is required'),
  token_type_hint: z.string().max(64).optional(),
  /** Extension: the end user's address as the resource server saw it, for PAT IP allowlists. */
  end_user_ip: z
    .string()
    .refine((v) => ipaddr.isValid(v), 'must be an IPv4 or IPv6 address')
    .optional(),
  client_id: z.string().max(255).optional(),
  client_secret: z.string().max(512).optional(),
});

export interface IntrospectionRouteDeps {
  path: string;
  callers: IntrospectionCallers;
  introspector: IntrospectorChain;
  responder: IntrospectionResponder;
}

/**
 * The one RFC 7662 endpoint for every token kind, mounted in front of oidc-provider at the
 * path discovery advertises (the provider's own endpoint knows only its own tokens).
 * Ordered middlewares: no-store, parse form, authenticate caller, check permission,
 * validate, introspect, respond (JSON, or RFC 9701 JWT on request).
 */
export function introspectionRoutes(deps: IntrospectionRouteDeps): Router {
  const router = new Router();
  router.post(
    deps.path,
    noStore,
    formBody(64 * 1024),
    authenticateCaller(deps.callers),
    async function introspectToken(ctx) {
      const params = validate(introspectionRequest, ctx.request.body ?? {});
      // token_type_hint is only a hint: the token's own shape decides which introspector answers.
      const token = await deps.introspector.introspect(params.token, { ip: params.end_user_ip, hint: params.token_type_hint });
      const body = token ? await deps.responder.describe(token) : { active: false as const };
      if (ctx.accepts('json', INTROSPECTION_JWT) === INTROSPECTION_JWT) {
        ctx.type = INTROSPECTION_JWT;
        ctx.body = await deps.responder.sign(body, ctx.state.caller.clientId);
      } else {
        ctx.body = body;
      }
    },
  );
  return router;
}

const noStore: Middleware = async function noStore(ctx, next) {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  await next();
};

/** client_secret_basic or client_secret_post; then the per-client introspection permission. */
function authenticateCaller(callers: IntrospectionCallers): Middleware {
  return async function authenticateIntrospectionCaller(ctx, next) {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const credentials = parseAuthorization(ctx.get('Authorization') || undefined);
    let clientId: string | undefined;
    let clientSecret: string | undefined;
    if (credentials.scheme === 'basic') {
      // RFC 6749 §2.3.1: both parts are form-urlencoded inside the Basic header.
      clientId = safeDecode(credentials.username);
      clientSecret = safeDecode(credentials.password);
    } else if (typeof body.client_id === 'string' && typeof body.client_secret === 'string') {
      clientId = body.client_id;
      clientSecret = body.client_secret;
    }
    if (!clientId || !clientSecret) {
      throw new ApiError(401, 'invalid_client', 'client authentication is required (client_secret_basic or client_secret_post)', CLIENT_CHALLENGE);
    }
    const caller = await callers.authenticate(clientId, clientSecret);
    if (!caller) throw new ApiError(401, 'invalid_client', 'client authentication failed', CLIENT_CHALLENGE);
    if (!caller.mayIntrospect) {
      throw new ApiError(403, 'unauthorized_client', 'this client is not allowed to introspect tokens');
    }
    ctx.state.caller = caller;
    await next();
  };
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
