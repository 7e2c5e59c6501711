import type { IncomingMessage, ServerResponse } from 'node:http';
import accepts from 'accepts';
import { ApiError, message } from '../../errors.js';
import { chooseLang } from '../../messages/index.js';
import type { Logger } from '../../logger.js';
import type { OriginPolicy } from '../../security/cors-origins.js';
import type { ActiveToken, TokenIntrospector, TokenKind } from '../../tokens/introspection/active-token.js';
import type { IntrospectionCaller, IntrospectionCallers } from '../../tokens/introspection/introspection-callers.js';
import type { IntrospectionResponder } from '../../tokens/introspection/introspection-response.js';
import type { IntrospectorChain } from '../../tokens/introspection/introspector-chain.js';
import { CoalescedWrites } from '../coalesced-writes.js';
import { assertIdentityEncoding } from '../content-encoding.js';
import { failedAuthentication, refuseIfThrottled, type FailureThrottle } from '../failed-authentication.js';
import { toApiError } from '../middleware/error-handler.js';
import type { RequestMetrics } from '../middleware/request-metrics.js';
import { isFormContentType, readForm } from '../read-form.js';
import { clientIp, requestIdFor, type RequestLog } from '../request-log.js';
import { invalidInput } from '../validate.js';
import { callerAuthenticationFailed, clientCredentials, permittedCaller, rememberedCaller } from './authenticate-caller.js';
import { checkOrigin, crossOriginHeaders, OriginRefused, preflightHeaders } from './introspection-cors.js';
import { INTROSPECTION_JWT, introspectionRequest, type IntrospectionRequest } from './introspection-request.js';

const MAX_BODY_BYTES = 64 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';
const INACTIVE = '{"active":false}';

export interface IntrospectionEndpointDeps {
  /** Where discovery's introspection_endpoint points. */
  path: string;
  callers: IntrospectionCallers;
  introspector: IntrospectorChain;
  responder: IntrospectionResponder;
  requestLog: RequestLog;
  logger: Logger;
  trustProxy: boolean;
  /** Request latency, under the route label `path` (as the Koa app reports its routes). */
  requestMetrics: RequestMetrics;
  answers: IntrospectionMetrics;
  /** Which pages may read answers cross-origin (CORS_ORIGINS; see introspection-cors.ts). */
  origins: OriginPolicy;
  /** Failed caller authentications per client address; callers verified before never ask it. */
  throttle: FailureThrottle;
}

/**
 * Where answers are counted (a `/metrics` counter): the token's kind (`unknown` when no strategy
 * claimed it, or several did and none found it) and the result. Called on every request: must not allocate.
 */
export interface IntrospectionMetrics {
  answered(kind: TokenKind | 'unknown', result: 'active' | 'inactive' | 'error'): void;
}

export interface IntrospectionEndpoint {
  /** Whether the request is for this endpoint (any method: others get a 405 here). */
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string | string[]>;
  /** What the answer is counted as (IntrospectionMetrics); errors are `unknown`. */
  kind: TokenKind | 'unknown';
  active: boolean;
  /** Refused for its Origin: answered without CORS headers. */
  originRefused?: boolean;
}

/**
 * The one RFC 7662 endpoint for every token kind, at the path discovery advertises (the
 * provider's own handler knows only its own tokens, not PATs).
 *
 * It is the hot path — resource servers call it on every request — so it is answered by
 * plain node:http ahead of the Koa app rather than through Koa's middleware chain, whose cost
 * alone is most of a warm answer's. It keeps the app's contract: the request id and the one
 * log line, the security and no-store headers, `{"error", "error_description"}` answers with
 * the right status and challenge. Steps: method, form, caller credentials, caller check and
 * token check (together; a failed caller check counts against the client's address, see
 * TokenAuthThrottle), answer as JSON or, on request, an RFC 9701 JWT; answers leave together
 * at the end of each event-loop turn (CoalescedWrites).
 */
export function introspectionEndpoint(deps: IntrospectionEndpointDeps): IntrospectionEndpoint {
  const path = deps.path.toLowerCase();
  const writes = new CoalescedWrites();

  async function answer(req: IncomingMessage): Promise<Answer> {
    if (req.method !== 'POST') throw new ApiError(405, 'invalid_request', message('http.method_not_allowed'), { Allow: 'POST' });
    const form = await readParameters(req);
    const credentials = clientCredentials(req.headers.authorization, form);
    const params = introspectionRequest.safeParse(form);
    // token_type_hint is only a hint: the token's own shape decides which introspector answers.
    const claimants = params.success ? deps.introspector.claimants(params.data.token, params.data.token_type_hint) : [];
    const claimed = claimants.length > 0;
    const remembered = rememberedCaller(deps.callers, credentials);

    let caller: IntrospectionCaller;
    let token: Promise<ActiveToken | null> | null = null;
    if (remembered && params.success && !claimed) {
      // A string no introspector claims, from a caller verified a moment ago: `{"active":false}`
      // tells nobody anything, so the remembered caller is enough and the answer costs no I/O.
      caller = remembered;
      checkOrigin(req, deps.origins, caller.clientId);
    } else {
      if (remembered && claimed) {
        // The token's revocation check starts alongside the caller's, so both go out in the same
        // Redis read (BatchedReads). The caller's own check still decides: if it fails, the token's answer
        // is dropped unseen (a PAT's last use may still be stamped; its caller was good a moment ago).
        token = introspect(params.data!, claimants);
        token.catch(() => {}); // awaited below only if the caller passes
      }
      // A caller this instance has not verified costs a lookup: not from an address past its limit.
      if (!remembered) await refuseIfThrottled(deps.throttle, clientIp(req, deps.trustProxy));
      const found = await deps.callers.authenticate(credentials.clientId, credentials.clientSecret);
      if (!found) throw await failedAuthentication(deps.throttle, clientIp(req, deps.trustProxy), callerAuthenticationFailed());
      caller = permittedCaller(found);
      checkOrigin(req, deps.origins, caller.clientId);
      if (!params.success) throw invalidInput(params.error);
      if (claimed) token ??= introspect(params.data, claimants);
    }

    const active = token && (await token);
    const kind = active ? active.kind : claimants.length === 1 ? claimants[0]!.kind : 'unknown';
    if (wantsJwt(req)) {
      const body = active ? deps.responder.describe(active) : { active: false as const };
      return { status: 200, contentType: INTROSPECTION_JWT, body: await deps.responder.sign(body, caller.clientId), kind, active: !!active };
    }
    return { status: 200, contentType: JSON_TYPE, body: active ? JSON.stringify(deps.responder.describe(active)) : INACTIVE, kind, active: !!active };
  }

  function introspect(params: IntrospectionRequest, claimants: TokenIntrospector[]): Promise<ActiveToken | null> {
    return deps.introspector.introspectClaimed(claimants, params.token, { ip: params.end_user_ip, hint: params.token_type_hint });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = requestIdFor(req.headers['x-request-id']);
    const preflight = preflightHeaders(req);
    if (preflight) return answerPreflight(req, res, preflight, requestId, started);
    let result: Answer;
    try {
      result = await answer(req);
    } catch (err) {
      result = errorAnswer(err, requestId, req);
    }
    const origin = req.headers.origin;
    res.writeHead(result.status, {
      ...result.headers,
      ...(origin !== undefined && !result.originRefused ? crossOriginHeaders(origin) : undefined),
      'Content-Type': result.contentType,
      'Content-Length': Buffer.byteLength(result.body),
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Request-Id': requestId,
    });
    writes.end(res, result.body);
    deps.requestLog({ requestId, method: req.method ?? '', path: pathOf(req.url), status: result.status, ip: clientIp(req, deps.trustProxy), started });
    deps.requestMetrics.observe(req.method ?? '', deps.path, result.status, Number(process.hrtime.bigint() - started) / 1e9);
    deps.answers.answered(result.kind, result.status !== 200 ? 'error' : result.active ? 'active' : 'inactive');
  }

  /** 204 to a CORS preflight, with the headers the provider's endpoints send (introspection-cors.ts). */
  function answerPreflight(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, requestId: string, started: bigint): void {
    req.resume();
    res.writeHead(204, { ...headers, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Request-Id': requestId });
    res.end();
    deps.requestLog({ requestId, method: 'OPTIONS', path: pathOf(req.url), status: 204, ip: clientIp(req, deps.trustProxy), started });
    deps.requestMetrics.observe('OPTIONS', deps.path, 204, Number(process.hrtime.bigint() - started) / 1e9);
  }

  function errorAnswer(err: unknown, requestId: string, req: IncomingMessage): Answer {
    // The app's one mapping of failures to answers (errorHandler), and its log line for 500s.
    const error = toApiError(err);
    if (error.status >= 500) deps.logger.error({ err, requestId }, 'request failed');
    return {
      status: error.status,
      contentType: JSON_TYPE,
      body: JSON.stringify({ error: error.code, error_description: error.describe(chooseLang(undefined, req.headers['accept-language'])) }),
      headers: error.headers,
      kind: 'unknown',
      active: false,
      originRefused: err instanceof OriginRefused,
    };
  }

  return {
    matches(req) {
      const requested = pathOf(req.url);
      // Matched like the app's router: case-insensitive, with or without a trailing slash.
      return requested === deps.path || requested.toLowerCase().replace(/\/$/, '') === path;
    },
    handle(req, res) {
      void handle(req, res);
    },
  };
}

/** The form's parameters; other content types get an empty form (and a 400 once the caller is known). */
function readParameters(req: IncomingMessage): Promise<Record<string, string>> | Record<string, string> {
  if (req.headers['content-encoding'] !== undefined) {
    try {
      assertIdentityEncoding(req.headers['content-encoding']);
    } catch (err) {
      req.resume();
      throw err;
    }
  }
  if (isFormContentType(req.headers['content-type'])) return readForm(req, MAX_BODY_BYTES);
  req.resume();
  return {};
}

/** Whether the caller asked for the RFC 9701 JWT over JSON (negotiated as Koa would). */
function wantsJwt(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return !!accept && accept.toLowerCase().includes('token-introspection+jwt') && accepts(req).type(['json', INTROSPECTION_JWT]) === INTROSPECTION_JWT;
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
