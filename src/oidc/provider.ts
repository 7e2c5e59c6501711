import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config/index.js';
import { asBackendUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ScopeRegistry } from '../scopes/scope-registry.js';
import { originAllowlist } from '../security/cors-origins.js';
import type { UserService } from '../services/user-service.js';
import type { ArtifactStorage } from './adapter/index.js';
import { INTROSPECTION_METADATA } from './adapter/client-adapter.js';
import { claimsByScope, findAccount } from './account.js';
import type { ClientSecrets } from '../security/client-secrets.js';
import { clientBasedCors } from './cors.js';
import { clientCredentialsScopeCheck, scopeParamValidator } from './scope-policy.js';
import { PROVIDER_COOKIE_OPTIONS, sessionTtl } from './session-policy.js';
import type { SigningKeySet } from '../security/signing-keys.js';
import { INTROSPECTION_AUTH_METHODS } from '../tokens/introspection/introspection-callers.js';
import { introspectionSigningKey } from '../tokens/introspection/introspection-jwt.js';

/**
 * The pages the provider draws itself (its error page, the device-flow and sign-out pages) and
 * the headers every page it renders carries. Tessera's live in src/web/provider-pages.ts and are
 * handed in, so this folder holds no HTML.
 */
export interface ProviderPages {
  renderError: NonNullable<Configuration['renderError']>;
  deviceFlow: Pick<NonNullable<NonNullable<Configuration['features']>['deviceFlow']>, 'userCodeInputSource' | 'userCodeConfirmSource' | 'successSource'>;
  logout: Pick<NonNullable<NonNullable<Configuration['features']>['rpInitiatedLogout']>, 'logoutSource' | 'postLogoutSuccessSource'>;
  /** Provider middleware (`provider.use`): sets the page headers before anything renders. */
  headers: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;
}

export interface OidcProviderDeps {
  pages: ProviderPages;
  config: Config;
  logger: Logger;
  scopes: ScopeRegistry;
  users: UserService;
  /** Where every artifact is stored (src/oidc/adapter): digested ids, revocation reports, single use. */
  artifacts: ArtifactStorage;
  clientSecrets: ClientSecrets;
  signingKeys: SigningKeySet;
  /** The newest live grant an account gave a client (see loadExistingGrant below). */
  existingGrantId(accountId: string, clientId: string): Promise<string | undefined>;
}

const DAY = 24 * 60 * 60;

/** How clients authenticate at the provider's endpoints (token, revocation, PAR, device): `none` for public apps. */
const CLIENT_AUTH_METHODS: ('client_secret_basic' | 'client_secret_post' | 'none')[] = ['client_secret_basic', 'client_secret_post', 'none'];

/**
 * The OAuth 2.0 / OpenID Connect authorization server: oidc-provider configured for Tessera.
 * On: authorization code + PKCE (required for every client), refresh tokens (rotated on every
 * use; reuse revokes the grant), client credentials, device flow, revocation, introspection,
 * userinfo, PAR, DPoP, RP-initiated logout. Off: implicit/hybrid, dynamic registration,
 * resource indicators (opaque tokens for Tessera's own API), dev interactions.
 */
export function createOidcProvider(deps: OidcProviderDeps): Provider {
  const { config, scopes, clientSecrets } = deps;
  const configuration: Configuration = {
    adapter: deps.artifacts.adapterFor,
    clients: [],
    findAccount: findAccount(deps.users),
    claims: claimsByScope,
    scopes: scopes.names(),
    responseTypes: ['code'],
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    clientAuthMethods: CLIENT_AUTH_METHODS,
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'], userinfoSigningAlgValues: ['RS256', 'ES256'] },
    extraClientMetadata: {
      properties: [INTROSPECTION_METADATA],
      validator(_ctx, key, value) {
        if (key === INTROSPECTION_METADATA && value !== undefined && typeof value !== 'boolean') throw new Error(`${key} must be a boolean`);
      },
    },
    extraParams: { scope: scopeParamValidator(scopes) },
    extraTokenClaims: clientCredentialsScopeCheck(scopes) as Configuration['extraTokenClaims'],
    jwks: deps.signingKeys as Configuration['jwks'],
    cookies: {
      // The same keys as the app it is mounted in (mountProvider checks): both sign its cookies.
      keys: config.cookieKeys,
      long: PROVIDER_COOKIE_OPTIONS,
      short: PROVIDER_COOKIE_OPTIONS,
    },
    ttl: {
      AccessToken: config.oauthAccessTokenTtl,
      AuthorizationCode: 60,
      ClientCredentials: config.oauthAccessTokenTtl,
      DeviceCode: config.oauthDeviceCodeTtl,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      RefreshToken: config.oauthRefreshTokenTtl,
      Session: sessionTtl,
      // A grant outlives its refresh tokens: it is what "authorized apps" lists.
      Grant: Math.max(365 * DAY, config.oauthRefreshTokenTtl),
    },
    // One authorization per app and user: a new browser session finds the grant the user gave the
    // app before (instead of starting another), so consent adds to it and "Authorized apps" shows
    // the app once. The provider's default looks only at the interaction result and this session.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      const inSession = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (inSession) return inSession;
      const accountId = ctx.oidc.session!.accountId;
      const existing = accountId ? await deps.existingGrantId(accountId, ctx.oidc.client!.clientId) : undefined;
      return existing ? ctx.oidc.provider.Grant.find(existing) : undefined;
    },
    rotateRefreshToken: true,
    // Refresh tokens for apps allowed the grant: with offline_access in OpenID Connect
    // requests (as the spec says), and always in plain OAuth requests (as GitHub does).
    async issueRefreshToken(_ctx, client, code) {
      return client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || !code.scopes.has('openid'));
    },
    // Tokens live by their own TTLs and die by revocation, not when a browser session ends.
    expiresWithSession: async () => false,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true, ...deps.pages.deviceFlow },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      // On so discovery advertises introspection_endpoint; Tessera's own handler is mounted on that
      // path in front of the provider (it also answers for PATs), so this policy is only a
      // backstop should the provider ever be reached there.
      introspection: { enabled: true, allowedPolicy: introspectionAllowed },
      userinfo: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
      dPoP: { enabled: true },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: { enabled: true, ...deps.pages.logout },
    },
    renderError: deps.pages.renderError,
    // The provider lists only some endpoints' metadata itself (RFC 8414 §2). These say what the
    // endpoints really accept: the revocation endpoint is the provider's own (any client, public
    // ones with `none`); the introspection endpoint is Tessera's (confidential apps only) and signs
    // RFC 9701 answers with the same key as its signer (introspection-jwt.ts).
    discovery: {
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint_auth_methods_supported: [...INTROSPECTION_AUTH_METHODS],
      introspection_signing_alg_values_supported: [introspectionSigningKey(deps.signingKeys).alg],
    },
    clientBasedCORS: clientBasedCors(originAllowlist(config.corsOrigins)) as Configuration['clientBasedCORS'],
  };

  const provider = new Provider(config.issuer, configuration);
  // Hashed client secrets: the stored client_secret is HMAC(pepper, secret); digest what is presented.
  provider.Client.prototype.compareClientSecret = function compareHashedSecret(this: { clientSecret?: string }, presented: string) {
    return clientSecrets.matches(presented, this.clientSecret);
  };
  provider.use(deps.pages.headers);
  provider.use(unauthorizedClientForDisallowedGrant);
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: Error) => {
    // The request id is read from the response header Tessera's requestContext set, not ctx.state.
    deps.logger.error({ err, requestId: ctx.response.get('X-Request-Id'), path: ctx.path }, 'authorization server error');
    answerBackendFault(ctx, err);
  });
  return provider;
}

/**
 * The provider answers every error it does not expose as a 500 `server_error`; one caused by the
 * database or Redis not answering becomes `503 temporarily_unavailable` with Retry-After, as
 * everywhere else. Its error page (for browsers) keeps its text and takes the status.
 */
function answerBackendFault(ctx: KoaContextWithOIDC, err: Error): void {
  const unavailable = asBackendUnavailable(err);
  if (!unavailable) return;
  const answer = unavailable.toApiError();
  ctx.status = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) ctx.set(name, value);
  if (!ctx.response.is('html')) ctx.body = { error: answer.code, error_description: answer.description };
}

/** Apps with the introspection permission may introspect any token; others only their own. */
async function introspectionAllowed(
  _ctx: KoaContextWithOIDC,
  client: { clientId: string; metadata(): Record<string, unknown> },
  token: { clientId?: string },
): Promise<boolean> {
  return client.metadata()[INTROSPECTION_METADATA] === true || token.clientId === client.clientId;
}

/**
 * A client revokes only tokens issued to it (RFC 7009 §2.1). Another client's token is
 * refused with invalid_request for confidential callers, and silently ignored for public ones
 * (they cannot prove who they are, so they learn nothing about foreign tokens).
 */
async function revocationAllowed(_ctx: KoaContextWithOIDC, client: { clientId: string; clientAuthMethod?: string }, token: { clientId?: string }): Promise<boolean> {
  if (token.clientId === client.clientId) return true;
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
}

/**
 * RFC 6749 §5.2 names a grant type the client may not use `unauthorized_client`; oidc-provider
 * answers `invalid_request` (lib/actions/token.js, allowedGrantTypeCheck). Recognised by what the
 * request was, not by the error's wording: a token request whose client was found and whose
 * (supported) grant type that client may not use, answered `invalid_request`. Its checks before
 * that one fail without a client, or for a grant type it does not support (answered
 * `unsupported_grant_type`), or (attestation headers from a client not registered for attestation)
 * with the client found, which may then hear `unauthorized_client` as well; every check after it
 * comes only once the grant type was allowed. test/oauth/machine-grants.test.ts pins the answer.
 * Its per-route error handler has already rendered the body when this (outer) middleware sees it.
 */
async function unauthorizedClientForDisallowedGrant(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  if (ctx.status !== 400 || ctx.oidc?.route !== 'token') return;
  const body = ctx.body as { error?: unknown } | undefined;
  const grantType = ctx.oidc.params?.grant_type;
  if (body?.error === 'invalid_request' && typeof grantType === 'string' && ctx.oidc.client && !ctx.oidc.client.grantTypeAllowed(grantType)) {
    body.error = 'unauthorized_client';
  }
}
