import * as oidc from 'openid-client';
import { api, basicAuth, type TestServer } from './harness.js';
import type { WebClient, WebResponse } from './web-client.js';

/**
 * What the suites share about OAuth: apps registered through the API, openid-client relying
 * parties for them, the code flow through the real sign-in and consent pages (with a WebClient as
 * the browser), and the token, introspection and userinfo endpoints called by hand.
 */

/** Where the apps the suites register send the browser back (nothing listens there: tests read the redirect). */
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

/** client_secret_basic credentials (RFC 6749 §2.3.1: both parts form-urlencoded first). */
export function clientBasic(clientId: string, secret: string): string {
  return basicAuth(encodeURIComponent(clientId), encodeURIComponent(secret));
}

interface AppFields {
  id: number;
  client_id: string;
  [field: string]: unknown;
}
/** A confidential app as the apps API returns it right after creation, with its client_secret_basic credentials. */
export interface ConfidentialApp extends AppFields {
  client_secret: string;
  basic: string;
}
export interface PublicApp extends AppFields {
  client_secret: null;
  basic: null;
}
export type RegisteredApp = ConfidentialApp | PublicApp;

/** The body of POST /api/v1/user/applications (defaults: a confidential web app sending users back to REDIRECT_URI). */
export type AppRegistration = Record<string, unknown> & { type?: 'confidential' | 'public' };

/** A confidential client of its own (client credentials only): a worker, or a resource server that introspects. */
export function machineApp(name: string, more: AppRegistration = {}): AppRegistration {
  return { name, redirect_uris: [], grant_types: ['client_credentials'], ...more };
}

/** A public client using the device flow (a CLI). */
export function deviceApp(name: string, more: AppRegistration = {}): AppRegistration & { type: 'public' } {
  return { name, redirect_uris: [], grant_types: [DEVICE_CODE], ...more, type: 'public' };
}

/** POST /api/v1/user/applications as `owner` (a Basic header); fails unless 201. */
export async function registerApp(base: string, owner: string, body: AppRegistration & { type: 'public' }): Promise<PublicApp>;
export async function registerApp(base: string, owner: string, body?: AppRegistration): Promise<ConfidentialApp>;
export async function registerApp(base: string, owner: string, body: AppRegistration = {}): Promise<RegisteredApp> {
  const res = await api(base, 'POST', '/api/v1/user/applications', { auth: owner, body: { name: 'Test app', redirect_uris: [REDIRECT_URI], ...body } });
  if (res.status !== 201) throw new Error(`app registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  const app = res.body as AppFields & { client_secret: string | null };
  return app.client_secret === null ? { ...app, client_secret: null, basic: null } : { ...app, client_secret: app.client_secret, basic: clientBasic(app.client_id, app.client_secret) };
}

/** An openid-client Configuration for the app, from the server's discovery document. */
export async function relyingParty(issuer: string, app: { client_id: string; client_secret: string | null }, secret = app.client_secret): Promise<oidc.Configuration> {
  const auth = secret ? oidc.ClientSecretBasic(secret) : oidc.None();
  return oidc.discovery(new URL(issuer), app.client_id, secret ? { client_secret: secret } : {}, auth, { execute: [oidc.allowInsecureRequests] });
}

export interface AuthorizationRequest {
  url: URL;
  codeVerifier: string;
  state: string;
}

/** An authorization URL with PKCE (S256) and state, built by openid-client; redirect_uri REDIRECT_URI unless `params` say otherwise. */
export async function authorizationRequest(config: oidc.Configuration, params: Record<string, string>): Promise<AuthorizationRequest> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  return { url, codeVerifier, state };
}

type Credentials = { username: string; password: string };

/** Answers the authorization server's sign-in page and then its consent page, each if it is the one shown; returns what follows. */
export async function answerSignInAndConsent(browser: WebClient, page: WebResponse, user: Credentials): Promise<WebResponse> {
  if (page.status === 200 && page.text.includes('name="password"')) {
    page = await browser.submit(page, { username: user.username, password: user.password, action: 'login' });
  }
  if (page.status === 200 && page.text.includes('value="confirm"')) {
    page = await browser.submit(page, { action: 'confirm' });
  }
  return page;
}

/** Drives the browser from the authorization URL through sign-in and consent (as asked); returns the redirect to the app. */
export async function signInAndConsent(browser: WebClient, url: URL | string, user: Credentials): Promise<URL> {
  const page = await answerSignInAndConsent(browser, await browser.follow(String(url)), user);
  if (!page.location) throw new Error(`flow did not return to the app: ${page.status} ${page.text.slice(0, 800)}`);
  return new URL(page.location, page.url);
}

/** A person approves a device: enters its code on the verification page, confirms, then signs in and consents as asked; returns the last page. */
export async function approveDevice(browser: WebClient, verificationUri: string, userCode: string, user: Credentials): Promise<WebResponse> {
  const input = await browser.follow(verificationUri);
  const confirm = await browser.submit(input, { user_code: userCode });
  return answerSignInAndConsent(browser, await browser.submit(confirm, { confirm: 'yes' }), user);
}

/** The whole code + PKCE flow; returns the token response. */
export async function codeFlow(
  config: oidc.Configuration,
  browser: WebClient,
  user: Credentials,
  params: Record<string, string>,
): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const request = await authorizationRequest(config, params);
  const callback = await signInAndConsent(browser, request.url, user);
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });
}

/** RFC 7662 introspection as the given app (the server decides what it may see). */
export async function isActive(config: oidc.Configuration, token: string): Promise<boolean> {
  return (await oidc.tokenIntrospection(config, token)).active;
}

/** oidc-provider's opaque tokens, codes and handles: 43 characters of the base64url alphabet. */
export const OPAQUE = /^[A-Za-z0-9_-]{43}$/;

/** How openid-client fails on a 401 with a WWW-Authenticate challenge: `rejects.toMatchObject(challenge('invalid_token'))`. */
export function challenge(error: string, status = 401): { status: number; cause: { parameters: { error: string } }[] } {
  return { status, cause: [{ parameters: { error } }] };
}

export interface FormAnswer {
  status: number;
  headers: Headers;
  /** The JSON body parsed, or the text when it is not JSON. */
  body: any;
  text: string;
}

/** A form POST by hand (for requests openid-client would refuse to send, or to see the raw answer). */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<FormAnswer> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(form), headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, redirect: 'manual' });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON (a JWT introspection response, an HTML page) */
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** POSTs to the introspection endpoint; `auth` null sends no client credentials. */
export function introspect(base: string, auth: string | null, params: Record<string, string>, headers: Record<string, string> = {}): Promise<FormAnswer> {
  return postForm(`${base}/token/introspection`, params, { ...(auth ? { Authorization: auth } : {}), ...headers });
}

/** A client-credentials access token from the token endpoint. */
export async function clientCredentialsToken(base: string, app: ConfidentialApp, scope: string): Promise<string> {
  const res = await postForm(`${base}/token`, { grant_type: 'client_credentials', scope }, { Authorization: app.basic });
  if (res.status !== 200) throw new Error(`client credentials refused: ${res.status} ${res.text}`);
  return (res.body as { access_token: string }).access_token;
}

/** The status of GET /me with an access token. */
export async function userinfoStatus(base: string, accessToken: string): Promise<number> {
  return (await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${accessToken}` } })).status;
}

/**
 * A user's authorization (Grant) with a refresh token and an access token under it, made
 * through the provider's own models in-process, as the code flow would leave them: for suites
 * that test what is done with such tokens, not the browser flow (test/oauth does that).
 */
export async function seedUserGrant(
  server: Pick<TestServer, 'container'>,
  clientId: string,
  userId: number,
  scope: string,
): Promise<{ grantId: string; refreshToken: string; accessToken: string }> {
  const provider = server.container.oidc;
  const client = await provider.Client.find(clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  const accountId = String(userId);
  const grant = new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  const refreshToken = await new provider.RefreshToken({ client, accountId, grantId, scope, gty: 'authorization_code' }).save();
  const accessToken = await new provider.AccessToken({ client, accountId, grantId, scope, gty: 'authorization_code' }).save();
  return { grantId, refreshToken, accessToken };
}
