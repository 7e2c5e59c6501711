import { REDIRECT_URI } from './oauth.js';
import { rawRequest } from './raw-http.js';

/**
 * A browser without JavaScript, for Tessera's pages and the authorization server's forms alike:
 * keeps cookies (by path, as a browser does), never follows a redirect by itself (tests look at
 * them; `follow` and `submit` go on while the redirects stay on this server), posts urlencoded
 * forms. It speaks fetch, or node:http (`transport: 'node:http'`) when a request must carry what
 * fetch refuses to send: any `Host` header, an absolute request target.
 */
export interface WebResponse {
  status: number;
  /** The absolute URL requested. */
  url: string;
  /** Its path and query. */
  path: string;
  headers: Headers;
  text: string;
  /** The Location header as sent (relative or absolute); null without one. */
  location: string | null;
  setCookies: string[];
}

export type Form = Record<string, string | string[]>;

export interface RequestOptions {
  form?: Form;
  headers?: Record<string, string>;
  body?: string;
}

export class WebClient {
  /** Cookie values by name; tests may read, set and copy them (a cookie set here is sent on every path). */
  readonly cookies = new Map<string, string>();
  private readonly cookiePaths = new Map<string, string>();

  constructor(
    readonly base: string,
    private readonly defaultHeaders: Record<string, string> = {},
    private readonly transport: 'fetch' | 'node:http' = 'fetch',
  ) {}

  /** `target` is a path on this server or an absolute URL (over node:http: the request target, sent as given). */
  async request(method: string, target: string, options: RequestOptions = {}): Promise<WebResponse> {
    const url = new URL(target, this.base);
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    const cookie = this.cookieHeader(url.pathname);
    if (cookie) headers.Cookie = cookie;
    let body = options.body;
    if (options.form) {
      body = encodeForm(options.form);
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const res = this.transport === 'fetch' ? await fetch(url, { method, headers, body, redirect: 'manual' }) : await rawRequest(this.base, { method, target, headers, body });
    const text = await res.text();
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) this.keep(line);
    return { status: res.status, url: url.href, path: url.pathname + url.search, headers: res.headers, text, location: res.headers.get('location'), setCookies };
  }

  get(target: string, headers?: Record<string, string>): Promise<WebResponse> {
    return this.request('GET', target, { headers });
  }

  post(target: string, form: Form, headers?: Record<string, string>): Promise<WebResponse> {
    return this.request('POST', target, { form, headers });
  }

  /** The Cookie header this client sends to `path`. */
  cookieHeader(path = '/'): string {
    return [...this.cookies]
      .filter(([name]) => path.startsWith(this.cookiePaths.get(name) ?? '/'))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  /** GETs `target`, then follows redirects while they stay on this server: returns the page, or the redirect that leaves. */
  async follow(target: string): Promise<WebResponse> {
    let res = await this.get(target);
    for (let hops = 0; ; hops++) {
      const next = this.nextOnThisServer(res);
      if (!next) return res;
      if (hops >= 10) throw new Error(`redirect loop at ${res.location}`);
      res = await this.get(next);
    }
  }

  /** Submits the page's form (its hidden fields and `fields`), then follows redirects while they stay on this server. */
  async submit(page: WebResponse, fields: Form): Promise<WebResponse> {
    const form = mainForm(page.text);
    const action = new URL(form.action, page.url);
    const res = await this.post(action.origin === new URL(this.base).origin ? action.pathname + action.search : action.href, { ...form.fields, ...fields });
    const next = this.nextOnThisServer(res);
    return next ? this.follow(next) : res;
  }

  /** GETs a page and returns its forms' CSRF token. */
  async csrf(path: string): Promise<string> {
    const page = await this.get(path);
    const token = hiddenField(page.text, '_csrf');
    if (!token) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return token;
  }

  /** Signs in on Tessera's own sign-in page. */
  async signIn(username: string, password: string): Promise<WebResponse> {
    const _csrf = await this.csrf('/login');
    return this.post('/login', { _csrf, username, password, next: '/settings/tokens' });
  }

  /** Gets the new-token form and submits it (signed in); returns the reveal page and the token on it. */
  async createToken(form: Form): Promise<{ created: WebResponse; reveal: WebResponse; token: string }> {
    const _csrf = await this.csrf('/settings/tokens/new');
    const created = await this.post('/settings/tokens', { _csrf, ...form });
    if (created.status !== 303) throw new Error(`token not created: ${created.status} ${created.text.slice(0, 300)}`);
    const reveal = await this.get(created.location!);
    return { created, reveal, token: shownValue(reveal.text, 'token-value') ?? '' };
  }

  /** Gets the new-app form and submits it (signed in): a confidential web app sending users to REDIRECT_URI, unless `fields` say otherwise. */
  async submitAppForm(fields: Form): Promise<WebResponse> {
    const _csrf = await this.csrf('/settings/applications/new');
    return this.post('/settings/applications', { _csrf, name: 'Test app', redirect_uris: REDIRECT_URI, type: 'confidential', grant_types: ['authorization_code', 'refresh_token'], ...fields });
  }

  /** Where a redirect on this server leads (its path), or null for a page or a redirect elsewhere. */
  private nextOnThisServer(res: WebResponse): string | null {
    if (res.status < 300 || res.status >= 400 || !res.location) return null;
    const next = new URL(res.location, res.url);
    return next.origin === new URL(this.base).origin ? next.pathname + next.search : null;
  }

  /** Applies one Set-Cookie line. */
  private keep(line: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const path = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
    if (!value || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0\b/i.test(line)) {
      this.cookies.delete(name);
      this.cookiePaths.delete(name);
    } else {
      this.cookies.set(name, value);
      this.cookiePaths.set(name, path);
    }
  }
}

function encodeForm(form: Form): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  return params.toString();
}

/** A form of a page: where it posts, and its hidden fields. */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
}

/** Every form of the page, in order. */
export function formsOf(html: string): PageForm[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, attributes = '', inner = '']) => {
    const fields: Record<string, string> = {};
    for (const [input] of inner.matchAll(/<input\b[^>]*>/g)) {
      if (attribute(input, 'type') !== 'hidden') continue;
      const name = attribute(input, 'name');
      if (name) fields[name] = attribute(input, 'value') ?? '';
    }
    return { action: attribute(attributes, 'action') ?? '', fields };
  });
}

/** The page's form: the first in `<main>` (the header's sign-out form comes before it), else the first. */
export function mainForm(html: string): PageForm {
  const main = html.indexOf('<main');
  const [form] = formsOf(main === -1 ? html : html.slice(main));
  if (!form) throw new Error(`no form on the page:\n${html.slice(0, 500)}`);
  return form;
}

/** The hidden fields of the page's form (CSRF token and the like). */
export function hiddenFields(html: string): Record<string, string> {
  return mainForm(html).fields;
}

/** Where the page's form posts, as written in the page. */
export function formAction(html: string): string {
  return mainForm(html).action;
}

/** The first hidden field called `name` in any form of the page. */
export function hiddenField(html: string, name: string): string | undefined {
  return formsOf(html).find((form) => name in form.fields)?.fields[name];
}

/** A value shown once on a reveal page (`<input id=… readonly value=…>`). */
export function shownValue(html: string, id: string): string | undefined {
  const value = new RegExp(`<input\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  return value === undefined ? undefined : attribute(value, 'value') || undefined;
}

/** An attribute of a tag (`name="value"`), entities decoded. */
function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decodeEntities(value);
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
