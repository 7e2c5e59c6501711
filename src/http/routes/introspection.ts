import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { ApiError } from '../../errors.js';
import type { ActiveToken } from '../../tokens/introspection/active-token.js';
import type { IntrospectionCaller, IntrospectionCallers } from '../../tokens/introspection/introspection-callers.js';
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
    authenticateCaller(deps.callers, deps.introspector),
    async function introspectToken(ctx) {
      const params = validate(introspectionRequest, ctx.request.body ?? {});
      // token_type_hint is only a hint: the token's own shape decides which introspector answers.
      const token = await (ctx.state.earlyIntrospection ?? introspect(deps.introspector, params));
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

type IntrospectionParams = z.infer<typeof introspectionRequest>;

function introspect(chain: IntrospectorChain, params: IntrospectionParams): Promise<ActiveToken | null> {
  return chain.introspect(params.token, { ip: params.end_user_ip, hint: params.token_type_hint });
}

/**
 * client_secret_basic or client_secret_post; then the per-client introspection permission.
 *
 * The hot path spends its time waiting on Redis, so a caller this instance already verified
 * saves round trips: for a string no introspector claims (garbage), the remembered caller is
 * enough, since `{"active":false}` for a malformed string tells nobody anything and such tokens
 * must cost no I/O; for a real token, the token's revocation check starts alongside the
 * caller's, so both ride one pipelined Redis round trip. The caller's own check still decides:
 * if it fails, the token's answer is thrown away unseen (a PAT's last use may still be
 * stamped: its caller was verified a moment before).
 */
function authenticateCaller(callers: IntrospectionCallers, chain: IntrospectorChain): Middleware {
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
    const remembered = callers.recall(clientId, clientSecret);
    let caller: IntrospectionCaller | null | undefined;
    if (remembered?.mayIntrospect) {
      const params = introspectionRequest.safeParse(body);
      if (params.success && !chain.claims(params.data.token)) {
        caller = remembered;
      } else if (params.success) {
        const early = introspect(chain, params.data);
        early.catch(() => {}); // awaited below only if the caller passes
        caller = await callers.authenticate(clientId, clientSecret);
        if (caller?.mayIntrospect) ctx.state.earlyIntrospection = early;
      }
    }
    if (caller === undefined) caller = await callers.authenticate(clientId, clientSecret);
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
