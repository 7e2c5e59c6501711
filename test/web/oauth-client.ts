import { createHash, randomBytes } from 'node:crypto';
import type { WebClient } from './web-client.js';

/** A relying party's half of the authorization-code flow with PKCE, in plain fetch. */
export interface CodeFlowStart {
  url: string;
  state: string;
  verifier: string;
}

export function authorizationUrl(base: string, app: { clientId: string; redirectUri: string }, scope: string, extra: Record<string, string> = {}): CodeFlowStart {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const params = new URLSearchParams({
    client_id: app.clientId,
    response_type: 'code',
    redirect_uri: app.redirectUri,
    scope,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: `${base}/auth?${params.toString()}`, state, verifier };
}

/** Exchanges the code at the token endpoint (client_secret_basic). */
export async function exchangeCode(
  base: string,
  app: { clientId: string; clientSecret: string; redirectUri: string },
  code: string,
  verifier: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: verifier }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function userinfo(base: string, accessToken: string): Promise<number> {
  return (await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${accessToken}` } })).status;
}

/** Follows same-site redirects until a page (2xx/4xx) or a redirect off the server. */
export async function follow(web: WebClient, location: string): Promise<{ status: number; text: string; path: string; location: string | null }> {
  let next = location;
  for (let hops = 0; hops < 10; hops++) {
    const url = new URL(next, web.base);
    if (url.origin !== new URL(web.base).origin) return { status: 303, text: '', path: next, location: next };
    const res = await web.get(url.pathname + url.search);
    if (res.status >= 300 && res.status < 400 && res.location) {
      next = res.location;
      continue;
    }
    return { status: res.status, text: res.text, path: url.pathname + url.search, location: null };
  }
  throw new Error('too many redirects');
}

export function fieldValue(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}
