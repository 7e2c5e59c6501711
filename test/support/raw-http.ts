import http from 'node:http';
import { keepCookies } from './cookie-jar.js';

/**
 * HTTP as an attacker writes it: any `Host` header (fetch refuses to send one), any request
 * target (`GET http://evil.example/… HTTP/1.1`), cookies kept by hand. Never follows redirects.
 */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  location: string | null;
  setCookies: string[];
}

export interface RawRequest {
  method?: string;
  /** The request target as sent: a path, or an absolute URL. */
  target: string;
  headers?: Record<string, string>;
  form?: Record<string, string>;
}

/** Sends one request to the server at `base` (its address, whatever Host says). */
export function rawRequest(base: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  const body = request.form ? new URLSearchParams(request.form).toString() : undefined;
  const headers: Record<string, string> = { ...request.headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method: request.method ?? 'GET', path: request.target, headers, setHost: !('Host' in headers), agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, text, location: res.headers.location ?? null, setCookies: res.headers['set-cookie'] ?? [] }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A cookie-keeping client over rawRequest, sending the same extra headers every time. */
export class RawClient {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string>,
  ) {}

  async request(request: RawRequest): Promise<RawResponse> {
    const headers = { ...this.headers, ...request.headers };
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await rawRequest(this.base, { ...request, headers });
    keepCookies(this.cookies, res.setCookies);
    return res;
  }
}
