import { ApiError, message } from '../../errors.js';
import { INTROSPECTION_AUTH_METHODS, type IntrospectionCaller, type IntrospectionCallers } from '../../tokens/introspection/introspection-callers.js';
import { parseAuthorization } from '../credentials.js';

const CLIENT_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="tessera"' };

/** What a caller presented: client_secret_basic wins over client_secret_post. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** RFC 6749 §2.3.1: the Basic header's parts are form-urlencoded; else the form's pair. 401 if neither. */
export function clientCredentials(authorization: string | undefined, form: Record<string, string>): ClientCredentials {
  const credentials = parseAuthorization(authorization);
  let clientId: string | undefined;
  let clientSecret: string | undefined;
  if (credentials.scheme === 'basic') {
    clientId = formDecode(credentials.username);
    clientSecret = formDecode(credentials.password);
  } else if (typeof form.client_id === 'string' && typeof form.client_secret === 'string') {
    clientId = form.client_id;
    clientSecret = form.client_secret;
  }
  if (!clientId || !clientSecret) {
    throw new ApiError(401, 'invalid_client', message('introspection.client_auth_required', { methods: INTROSPECTION_AUTH_METHODS.join(', ') }), CLIENT_CHALLENGE);
  }
  return { clientId, clientSecret };
}

/** The answer to an unknown client or a wrong secret: 401 with the Basic challenge. */
export const callerAuthenticationFailed = (): ApiError => new ApiError(401, 'invalid_client', message('introspection.client_auth_failed'), CLIENT_CHALLENGE);

/** The caller if its secret is right and it holds the introspection permission; else 401 / 403 (RFC 7662 §2.1). */
export function permittedCaller(caller: IntrospectionCaller | null): IntrospectionCaller {
  if (!caller) throw callerAuthenticationFailed();
  if (!caller.mayIntrospect) throw new ApiError(403, 'unauthorized_client', message('introspection.not_allowed'));
  return caller;
}

/** The caller as this instance last verified it, without I/O, if it may introspect; else undefined. */
export function rememberedCaller(callers: IntrospectionCallers, credentials: ClientCredentials): IntrospectionCaller | undefined {
  const remembered = callers.recall(credentials.clientId, credentials.clientSecret);
  return remembered?.mayIntrospect ? remembered : undefined;
}

function formDecode(value: string): string | undefined {
  // Tessera's client ids and secrets need no escaping: skip the work for them.
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
