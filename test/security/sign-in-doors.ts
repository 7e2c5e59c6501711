import type * as oidc from 'openid-client';
import { basicAuth, type TestServer } from '../support/harness.js';
import { authorizationRequest, registerApp, relyingParty } from '../support/oauth.js';
import { formAction, hiddenFields, WebClient } from '../support/web-client.js';

/**
 * The three doors that take a username and password, driven the same way so one test can
 * attack all of them: the API (HTTP Basic), the web sign-in page and the OAuth sign-in page.
 * Every attempt comes from the address given (X-Forwarded-For; the server must trust the proxy).
 */
export type Door = 'api' | 'web' | 'oauth';
export const DOORS: readonly Door[] = ['api', 'web', 'oauth'];

export interface Attempt {
  username: string;
  password: string;
  /** Another address than the batch's. */
  ip?: string;
}

/** How the server answered one attempt; `signedIn` is each door's success (200 or 303). */
export interface Answer {
  status: number;
  signedIn: boolean;
  retryAfter: string | null;
  text: string;
}

/** The OAuth door needs an app to sign in to; this registers one (from the loopback address). */
export async function oauthApp(server: TestServer): Promise<oidc.Configuration> {
  const owner = await server.createUser(`app-owner-${Math.random().toString(36).slice(2, 8)}`);
  return relyingParty(server.url, await registerApp(server.url, owner.basic, { name: 'Sign-in door' }));
}

type Send = (a: Attempt) => Promise<Answer>;

/**
 * Sends every attempt at once through one door: first one page (and CSRF token) per address
 * for the pages, then all the sign-ins in parallel.
 */
export async function attemptAll(server: TestServer, door: Door, ip: string, attempts: Attempt[], rp?: oidc.Configuration): Promise<Answer[]> {
  const senders = new Map<string, Send>();
  for (const address of new Set(attempts.map((a) => a.ip ?? ip))) senders.set(address, await sender(server, door, address, rp));
  return Promise.all(attempts.map((a) => senders.get(a.ip ?? ip)!(a)));
}

/** A way to send sign-ins through `door` from `ip`, after loading the page the form is on. */
async function sender(server: TestServer, door: Door, ip: string, rp?: oidc.Configuration): Promise<Send> {
  const from = { 'X-Forwarded-For': ip };
  if (door === 'api') {
    return async (a) => {
      const res = await fetch(`${server.url}/api/v1/user/tokens`, { headers: { ...from, Authorization: basicAuth(a.username, a.password) } });
      return { status: res.status, signedIn: res.status === 200, retryAfter: res.headers.get('retry-after'), text: await res.text() };
    };
  }
  if (door === 'web') {
    const web = new WebClient(server.url, from);
    const _csrf = await web.csrf('/login');
    return async (a) => {
      const res = await web.post('/login', { _csrf, username: a.username, password: a.password });
      return { status: res.status, signedIn: res.status === 303, retryAfter: res.headers.get('retry-after'), text: res.text };
    };
  }
  if (!rp) throw new Error('the OAuth door needs an app: pass oauthApp(server)');
  const browser = new WebClient(server.url, from);
  const page = await browser.follow((await authorizationRequest(rp, { scope: 'openid' })).url.href);
  const action = new URL(formAction(page.text), page.url).href;
  const hidden = hiddenFields(page.text);
  return async (a) => {
    const res = await browser.post(action, { ...hidden, username: a.username, password: a.password, action: 'login' });
    return { status: res.status, signedIn: res.status === 303, retryAfter: res.headers.get('retry-after'), text: res.text };
  };
}

/** One attempt through one door. */
export async function attempt(server: TestServer, door: Door, ip: string, a: Attempt, rp?: oidc.Configuration): Promise<Answer> {
  return (await attemptAll(server, door, ip, [a], rp))[0]!;
}

/** Counts answers by status, e.g. { 401: 9, 429: 50 } (sign-ins counted under "signedIn"). */
export function tally(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = a.signedIn ? 'signedIn' : String(a.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
