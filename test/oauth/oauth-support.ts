import * as oidc from 'openid-client';
import { api } from '../support/harness.js';

/**
 * What the OAuth suites share: registering an app through the API, an openid-client
 * Configuration for it, and a cookie-keeping "browser" that signs in and consents through
 * the real HTML forms (no JavaScript, redirects followed by hand).
 */

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface RegisteredApp {
  id: number;
  client_id: string;
  client_secret: string | null;
  [key: string]: unknown;
}

/** POST /api/v1/user/applications as the given user (Basic auth); fails the test unless 201. */
export async function registerApp(base: string, auth: string, body: Record<string, unknown> = {}): Promise<RegisteredApp> {
  const res = await api(base, 'POST', '/api/v1/user/applications', {
    auth,
    body: { name: 'Test app', redirect_uris: [REDIRECT_URI], ...body },
  });
  if (res.status !== 201) throw new Error(`app registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RegisteredApp;
}

/** An openid-client Configuration for the app, from the server's discovery document. */
export async function relyingParty(issuer: string, app: Pick<RegisteredApp, 'client_id' | 'client_secret'>, secret = app.client_secret): Promise<oidc.Configuration> {
  const auth = secret ? oidc.ClientSecretBasic(secret) : oidc.None();
  return oidc.discovery(new URL(issuer), app.client_id, secret ? { client_secret: secret } : {}, auth, { execute: [oidc.allowInsecureRequests] });
}

interface StoredCookie {
  value: string;
  path: string;
}

export interface BrowserResponse {
  status: number;
  url: string;
  location: string | null;
  headers: Headers;
  text: string;
}

/** A browser without JavaScript: keeps cookies (by path), never follows redirects by itself. */
export class Browser {
  private readonly jar = new Map<string, StoredCookie>();

  constructor(private readonly headers: Record<string, string> = {}) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<BrowserResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...this.headers };
    const cookies = [...this.jar].filter(([, c]) => target.pathname.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`);
    if (cookies.length) headers.Cookie = cookies.join('; ');
    let body: string | undefined;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(target, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.store(line);
    const location = res.headers.get('location');
    return { status: res.status, url: target.href, location: location ? new URL(location, target).href : null, headers: res.headers, text: await res.text() };
  }

  /** Every cookie value the browser holds, by name. */
  cookies(): Record<string, string> {
    return Object.fromEntries([...this.jar].map(([name, c]) => [name, c.value]));
  }

  private store(line: string): void {
    const [pair, ...attributes] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const path = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
    const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line);
    if (!value || expired) this.jar.delete(name);
    else this.jar.set(name, { value, path });
  }

  /** GETs `url` and follows redirects until one leaves the server (returned) or a page answers. */
  async follow(url: string, stopAt = REDIRECT_URI): Promise<BrowserResponse> {
    let res = await this.request('GET', url);
    for (let hops = 0; res.location && !res.location.startsWith(stopAt); hops++) {
      if (hops > 10) throw new Error(`redirect loop at ${res.location}`);
      res = await this.request('GET', res.location);
    }
    return res;
  }

  /** Submits the first form of `page` with its hidden fields plus `fields`, then follows redirects. */
  async submit(page: BrowserResponse, fields: Record<string, string>, stopAt = REDIRECT_URI): Promise<BrowserResponse> {
    const action = formAction(page.text);
    const res = await this.request('POST', new URL(action, page.url).href, { ...hiddenFields(page.text), ...fields });
    return res.location && !res.location.startsWith(stopAt) ? this.follow(res.location, stopAt) : res;
  }
}

export function formAction(html: string): string {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on the page:\n${html.slice(0, 500)}`);
  return decodeEntities(action);
}

/** The hidden inputs of the page's first form (CSRF token and the like). */
export function hiddenFields(html: string): Record<string, string> {
  const form = /<form[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  const fields: Record<string, string> = {};
  for (const input of form.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = /value="([^"]*)"/.exec(input)?.[1] ?? '';
    if (name) fields[decodeEntities(name)] = decodeEntities(value);
  }
  return fields;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCharCode(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface AuthorizationRequest {
  url: URL;
  codeVerifier: string;
  state: string;
}

/** An authorization URL with PKCE (S256) and state, built by openid-client. */
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

/**
 * Drives the browser through sign-in (if the page asks) and consent (if asked), returning
 * the final redirect to the app's callback.
 */
export async function signInAndConsent(browser: Browser, url: URL | string, user: { username: string; password: string }): Promise<URL> {
  let page = await browser.follow(String(url));
  if (page.status === 200 && page.text.includes('name="password"')) {
    page = await browser.submit(page, { username: user.username, password: user.password, action: 'login' });
  }
  if (page.status === 200 && page.text.includes('value="confirm"')) {
    page = await browser.submit(page, { action: 'confirm' });
  }
  if (!page.location?.startsWith(REDIRECT_URI)) throw new Error(`flow did not return to the app: ${page.status} ${page.location ?? page.text.slice(0, 800)}`);
  return new URL(page.location);
}

/** The whole code + PKCE flow; returns the token response. */
export async function codeFlow(
  config: oidc.Configuration,
  browser: Browser,
  user: { username: string; password: string },
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

/** A raw form POST to a provider endpoint (for bad-input tests openid-client would refuse to send). */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(form), headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, redirect: 'manual' });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

export function clientBasic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
