import { z } from 'zod';
import { namedSchemas, operations, type Access, type HeaderName, type Operation, type SchemaName } from './operations.js';

type JsonSchema = Record<string, unknown>;
type Responses = Record<string, Record<string, unknown>>;

const ERROR_CONTENT = { 'application/json': { schema: ref('Error') } };
const BASIC_CHALLENGE = 'Basic realm="tessera", charset="UTF-8"';

const headers: Record<HeaderName, { description: string; schema: JsonSchema }> = {
  Location: { description: 'the new record\'s URL', schema: { type: 'string' } },
  'X-Total-Count': { description: 'how many records match, for paging', schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'the challenge (RFC 9110 §11.6.1; RFC 6750 §3 for bearer tokens)', schema: { type: 'string' } },
  'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } },
};

/**
 * The OpenAPI 3.1 document of the JSON API: every operation of `operations.ts`, with the request
 * and response schemas the routes validate and answer with (zod's JSON Schema output), and every
 * error status each operation can answer, all as `{"error", "error_description"}`.
 * Deterministic: `npm run openapi` writes it to docs/openapi.json, and a test keeps both equal.
 */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) (paths[openApiPath(op.path)] ??= {})[op.method] = operationObject(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera JSON API',
      version: '1',
      description:
        'Personal access tokens, accounts, OAuth apps and authorizations. Reference with examples: docs/api.md and docs/oauth.md. ' +
        'The OAuth 2.0 / OpenID Connect endpoints (token, introspection, userinfo, …) are described by discovery at /.well-known/openid-configuration.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [...new Set(operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(namedSchemas).map(([name, { schema, io }]) => [name, jsonSchema(schema, io)])),
      headers,
      securitySchemes: {
        password: { type: 'http', scheme: 'basic', description: 'Your username and password. A token here is refused (401): a leaked token cannot manage tokens.' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'tessera.sid',
          description: 'A signed-in web session (same origin only); unsafe methods also need the X-CSRF-Token header.',
        },
        token: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal access token or an OAuth access token; also accepted as `Authorization: token <t>` or as the password of HTTP Basic (what git sends).',
        },
      },
    },
  };
}

/** The document as committed in docs/openapi.json and served at /api/v1/openapi.json. */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

function operationObject(op: Operation): Record<string, unknown> {
  const parameters = [
    ...Object.entries(op.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, ...described(jsonSchema(schema, 'input')) })),
    ...queryParameters(op.query),
  ];
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description || op.access.kind === 'token' ? { description: describeOperation(op) } : {}),
    security: security(op.access),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.body) } } } } : {}),
    responses: { ...successResponse(op), ...errorResponses(op) },
  };
}

function describeOperation(op: Operation): string {
  const scopes = op.access.kind === 'token' ? `Needs scope ${op.access.scopes.map((s) => `\`${s}\``).join(' and ')}.` : '';
  return [op.description, scopes].filter(Boolean).join(' ');
}

function security(access: Access): Record<string, string[]>[] {
  switch (access.kind) {
    case 'none':
      return [];
    case 'token':
      return [{ token: [] }];
    default:
      return [{ password: [] }, { session: [] }];
  }
}

function successResponse(op: Operation): Responses {
  const { status, description, schema, list, headers: names } = op.success;
  const body = schema === 'Document' ? { type: 'object' } : schema && (list ? { type: 'array', items: ref(schema) } : ref(schema));
  return {
    [status]: {
      description,
      ...(names ? { headers: Object.fromEntries(names.map((name) => [name, headerRef(name)])) } : {}),
      ...(body ? { content: { 'application/json': { schema: body } } } : {}),
    },
  };
}

/** Every error status the operation can answer, from what it takes and who may call it. */
function errorResponses(op: Operation): Responses {
  const errors: Record<number, { description: string; headers?: HeaderName[] }> = {};
  // Path parameters that cannot name a record are a 404 like a missing one, never a 400.
  const takesInput = op.query || op.body;
  if (takesInput || op.errors?.[400]) errors[400] = { description: [op.errors?.[400], takesInput && 'a malformed or invalid parameter or field (named in error_description)', op.body && 'malformed JSON or an unknown field'].filter(Boolean).join('; ') };
  switch (op.access.kind) {
    case 'password':
    case 'admin':
      errors[401] = { description: `invalid_credentials: no, a malformed or a wrong username and password, or a token (WWW-Authenticate: ${BASIC_CHALLENGE})`, headers: ['WWW-Authenticate'] };
      if (op.access.kind === 'admin') errors[403] = { description: 'access_denied: the account is not an administrator' };
      errors[429] = { description: 'slow_down: too many failed sign-ins (see docs/security.md)', headers: ['Retry-After'] };
      errors[503] = { description: 'temporarily_unavailable: every place to check a password is taken; try again shortly', headers: ['Retry-After'] };
      break;
    case 'token':
      errors[401] = { description: 'invalid_token: no, a malformed, unknown, expired or revoked token, or one used outside its IP allowlist (WWW-Authenticate: Bearer … and Basic)', headers: ['WWW-Authenticate'] };
      errors[403] = { description: `insufficient_scope: the token lacks scope ${op.access.scopes.join(' ')}`, headers: ['WWW-Authenticate'] };
      break;
  }
  if (op.errors?.[404] || op.params) {
    const missing = op.errors?.[404] ?? 'no such record';
    errors[404] = { description: missing.startsWith('not_found:') ? missing : `not_found: ${missing} (also for an id or name that cannot exist)` };
  }
  if (op.errors?.[409]) errors[409] = { description: `conflict: ${op.errors[409]}` };
  // Errors of operations anyone may call (access none), said by the operation itself.
  if (op.errors?.[401]) errors[401] = { description: op.errors[401], headers: ['WWW-Authenticate'] };
  if (op.errors?.[429]) errors[429] = { description: op.errors[429], headers: ['Retry-After'] };
  if (op.body) {
    errors[413] = { description: 'the body is larger than 1 MB' };
    errors[415] = { description: 'the body is in a Content-Encoding the server does not support' };
  }
  return Object.fromEntries(
    Object.entries(errors).map(([status, { description, headers: names }]) => [
      status,
      { description, ...(names ? { headers: Object.fromEntries(names.map((name) => [name, headerRef(name)])) } : {}), content: ERROR_CONTENT },
    ]),
  );
}

function queryParameters(query: z.ZodObject | undefined): Record<string, unknown>[] {
  if (!query) return [];
  const schema = jsonSchema(query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    ...described(property),
  }));
}

/** A parameter's schema, with its description moved up to the parameter. */
function described(schema: JsonSchema): Record<string, unknown> {
  const { description, ...rest } = schema;
  return { ...(typeof description === 'string' ? { description } : {}), schema: rest };
}

/** zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the `$schema` each call adds. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

function ref(name: SchemaName): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

function headerRef(name: HeaderName): { $ref: string } {
  return { $ref: `#/components/headers/${name}` };
}

/** `/api/v1/user/tokens/:id` → `/api/v1/user/tokens/{id}`. */
export function openApiPath(routerPath: string): string {
  return routerPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
