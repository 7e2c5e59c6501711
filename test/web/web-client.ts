import { keepCookies } from '../support/cookie-jar.js';

/**
 * A tiny cookie-keeping HTTP client that behaves like a browser without JavaScript:
 * keeps cookies, does not follow redirects (tests look at them), posts urlencoded forms.
 */
export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  setCookies: string[];
}

export class WebClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly base: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  async request(method: string, path: string, options: { form?: Record<string, string | string[]>; headers?: Record<string, string>; body?: string } = {}): Promise<PageResponse> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body = options.body;
    if (options.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
      body = params.toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    keepCookies(this.cookies, setCookies);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location'), setCookies };
  }

  get(path: string, headers?: Record<string, string>): Promise<PageResponse> {
    return this.request('GET', path, { headers });
  }

  post(path: string, form: Record<string, string | string[]>, headers?: Record<string, string>): Promise<PageResponse> {
    return this.request('POST', path, { form, headers });
  }

  /** GETs a page and returns the CSRF token of its first form. */
  async csrf(path: string): Promise<string> {
    const page = await this.get(path);
    const token = csrfIn(page.text);
    if (!token) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return token;
  }

  async signIn(username: string, password: string): Promise<PageResponse> {
    const _csrf = await this.csrf('/login');
    return this.post('/login', { _csrf, username, password, next: '/settings/tokens' });
  }

  /** Signs in, gets the new-token form and submits it; returns the reveal page. */
  async createToken(form: Record<string, string | string[]>): Promise<{ created: PageResponse; reveal: PageResponse; token: string }> {
    const _csrf = await this.csrf('/settings/tokens/new');
    const created = await this.post('/settings/tokens', { _csrf, ...form });
    if (created.status !== 303) throw new Error(`token not created: ${created.status} ${created.text.slice(0, 300)}`);
    const reveal = await this.get(created.location!);
    return { created, reveal, token: tokenIn(reveal.text) ?? '' };
  }
}

export function csrfIn(html: string): string | undefined {
  return /name="_csrf" value="([^"]*)"/.exec(html)?.[1];
}

export function tokenIn(html: string): string | undefined {
  return /id="token-value"[^>]*value="([^"]+)"/.exec(html)?.[1];
}
