import { api, productionMode, startTestServer, type TestServer } from '../support/harness.js';
import { machineApp, registerApp } from '../support/oauth.js';
import { rawRequest } from '../support/raw-http.js';
import { WebClient } from '../support/web-client.js';
import { hostileRequests, seeded, type Credentials, type HostileRequest } from './hostile-requests.js';
import { enumerateRoutes, type RouteEntry } from './routes.js';

/**
 * The bad-input sweep: every route of the Koa routers, the introspection endpoint and the
 * provider's endpoints gets a fixed, seeded set of hostile requests (test/robustness/
 * hostile-requests.ts), with and without each kind of credential. Whatever comes in: no 5xx,
 * every error is the JSON error shape (or an HTML page for pages), no stack trace or internal
 * path in any body, and the server still answers afterwards.
 */
const SEED = 20261202;
const PARALLEL = 6;
const ANSWER_WITHIN_MS = 10_000;

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** One request on its own connection (node:http: sends any path and bytes as given). */
async function send(base: string, request: HostileRequest): Promise<Answer> {
  try {
    const res = await rawRequest(base, { method: request.method, target: request.path, headers: request.headers, body: request.body, timeoutMs: ANSWER_WITHIN_MS });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A request left hanging is a defect too (and must not hang the suite).
    if (code === 'ETIMEDOUT') return { status: -1, contentType: '', text: `no answer within ${ANSWER_WITHIN_MS} ms` };
    // A server may answer (413, 431) and close before the whole body is sent: that is an answer.
    if (code === 'ECONNRESET' || code === 'EPIPE') return { status: 0, contentType: '', text: '' };
    throw err;
  }
}

/** What may never be in a body: a stack frame, a source path, a module path. */
const INTERNALS = /\bat [\w.<>$]+ \(.*:\d+:\d+\)|node_modules\/|\/src\/[\w/-]+\.(?:ts|js)|\/work\/|\/tmp\/tessera-/;

function problems(request: HostileRequest, route: RouteEntry, answer: Answer): string[] {
  const found: string[] = [];
  if (answer.status === -1) found.push(answer.text);
  if (answer.status >= 500) found.push(`status ${answer.status}: ${answer.text.slice(0, 200)}`);
  if (INTERNALS.test(answer.text)) found.push(`internal detail in body: ${answer.text.match(INTERNALS)![0]}`);
  if (answer.status >= 400 && answer.text && request.method !== 'HEAD') {
    if (answer.contentType.includes('json')) {
      try {
        const body = JSON.parse(answer.text) as Record<string, unknown>;
        if (typeof body.error !== 'string' || (body.error_description !== undefined && typeof body.error_description !== 'string')) {
          found.push(`JSON error without the error shape: ${answer.text.slice(0, 200)}`);
        }
      } catch {
        found.push(`JSON content type, body not JSON: ${answer.text.slice(0, 100)}`);
      }
    } else if (answer.contentType.includes('html')) {
      if (!/<html[\s>]/i.test(answer.text)) found.push('HTML error that is not a page');
    } else {
      found.push(`error with content type "${answer.contentType}" (route ${route.door}): ${answer.text.slice(0, 100)}`);
    }
  }
  return found;
}

describe(`bad-input sweep over every route (${productionMode ? 'MariaDB + Redis' : 'SQLite'})`, () => {
  let server: TestServer;
  let credentials: Credentials;

  beforeAll(async () => {
    // Guessing passwords is part of the sweep: give it room, so the throttle answers 429s only
    // where it would for a real attacker and the valid credentials keep working.
    server = await startTestServer({ SIGN_IN_FAILURES_PER_ADDRESS: '100000', SIGN_IN_FAILURES_PER_ACCOUNT_ADDRESS: '1000', SIGN_IN_FAILURES_PER_ACCOUNT: '100000', PASSWORD_HASH_PER_ADDRESS: '64', PASSWORD_HASH_QUEUE: '256' });
    const admin = await server.createUser('sweep-admin', { admin: true });
    const user = await server.createUser('sweep-user');
    const pat = await api(server.url, 'POST', '/api/v1/user/tokens', {
      auth: admin.basic,
      body: { name: 'sweep', scopes: server.container.scopes.apiScopes().map((s) => s.name) },
    });
    expect(pat.status).toBe(201);
    const app = await registerApp(server.url, admin.basic, machineApp('resource server', { introspection: true }));
    const browser = new WebClient(server.url);
    expect((await browser.signIn(admin.username, admin.password)).status).toBe(303);
    const csrf = await browser.csrf('/settings/tokens/new');
    credentials = {
      basicUser: user.basic,
      basicAdmin: admin.basic,
      bearerPat: pat.body.token,
      sessionCookie: browser.cookieHeader(),
      csrf,
      clientBasic: app.basic,
    };
  });
  afterAll(() => server?.close());

  it('answers every hostile request below 500, in the error shape, without internals', async () => {
    const routes = enumerateRoutes(server.container);
    // The enumeration must find the doors, or the sweep proves nothing.
    for (const expected of ['POST /api/v1/user/tokens', 'DELETE /api/v1/users/:username', 'POST /settings/tokens/:id/edit', 'POST /token/introspection', 'POST /token', 'GET /device', 'POST /interaction/:uid']) {
      expect(routes.map((r) => `${r.method} ${r.path}`)).toContain(expected);
    }
    const random = seeded(SEED);
    const requests = routes.flatMap((route) => hostileRequests(route, credentials, random).map((request) => ({ route, request })));
    const failures: string[] = [];
    let next = 0;
    const statuses = new Map<number, number>();
    async function worker() {
      while (next < requests.length) {
        const { route, request } = requests[next++]!;
        const answer = await send(server.url, request);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        for (const problem of problems(request, route, answer)) failures.push(`${request.method} ${request.path.slice(0, 120)} [${request.label}]: ${problem}`);
      }
    }
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    // eslint-disable-next-line no-console
    console.log(`bad-input sweep: ${requests.length} requests over ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    expect(requests.length).toBeGreaterThan(2000);
    expect(failures.slice(0, 40)).toEqual([]);
  }, 180_000);

  it('still answers afterwards, and valid credentials still work', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // The sweep's own session may well have deleted the PAT (POST /settings/tokens/delete-all): mint another.
    const pat = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: credentials.basicUser, body: { name: 'after', scopes: ['user'] } });
    expect(pat.status).toBe(201);
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${pat.body.token}` })).status).toBe(200);
  });
});
