import { loadConfig } from '../../src/config/index.js';
import { migrations } from '../../migrations/index.js';
import { api, basicAuth, createTestEnvironment, startServer, type TestEnvironment, type TestServer } from '../support/harness.js';
import { expectOneLineError, runCli } from './run-cli.js';

/**
 * `tessera` commands run as separate processes over the same environment as a running
 * server, and what they do is seen by that server at once: accounts, tokens, apps, and
 * revocations (through Redis in production mode, through SQLite's change counter in embedded).
 */
/** Tests that run several commands, each a Node process loading the whole service. */
const SLOW = 60_000;

describe('tessera CLI', () => {
  let environment: TestEnvironment;
  let server: TestServer;
  const alicePassword = 'alice-password-1';

  beforeAll(async () => {
    environment = await createTestEnvironment();
  });

  afterAll(async () => {
    await server?.close();
    await environment.destroy();
  });

  const cli = (args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) =>
    runCli({ ...environment.env, ...options.env }, args, options);

  test('--help lists every command and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['migrate', 'user create', 'user list', 'user set-password', 'token create', 'token list', 'token revoke', 'client create', 'client list', 'client delete', 'client set-introspection', 'cleanup', 'notify run']) {
      expect(result.stdout).toContain(command);
    }
  });

  test('migrate applies the migrations to a fresh database, then has nothing to do', async () => {
    const first = await cli(['migrate', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ applied: migrations.map((m) => m.name) });
    const second = await cli(['migrate', '--json']);
    expect(JSON.parse(second.stdout)).toEqual({ applied: [] });
    server = await startServer(environment);
  });

  test('user create takes the password from TESSERA_PASSWORD, and the server accepts it', async () => {
    const result = await cli(['user', 'create', 'alice', '--email', 'alice@example.test', '--display-name', 'Alice A', '--json'], {
      env: { TESSERA_PASSWORD: alicePassword },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ username: 'alice', email: 'alice@example.test', name: 'Alice A', admin: false });
    expect(result.stdout).not.toContain(alicePassword);
    const tokens = await api(server.url, 'GET', '/api/v1/user/tokens', { auth: basicAuth('alice', alicePassword) });
    expect(tokens.status).toBe(200);
  });

  test('user create reads the password from stdin and --admin makes an administrator', async () => {
    const result = await cli(['user', 'create', 'root2', '--email', 'root2@example.test', '--admin'], { stdin: 'root2-password\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Created administrator root2/);
    // Only an administrator may list users.
    const users = await api(server.url, 'GET', '/api/v1/users', { auth: basicAuth('root2', 'root2-password') });
    expect(users.status).toBe(200);
  });

  test('user create refuses a missing or short password, a taken name and a bad email', async () => {
    const missing = await cli(['user', 'create', 'carol', '--email', 'carol@example.test']);
    expect(missing.code).toBe(2);
    expectOneLineError(missing, /no password given: set TESSERA_PASSWORD/);

    const short = await cli(['user', 'create', 'carol', '--email', 'carol@example.test'], { env: { TESSERA_PASSWORD: 'short' } });
    expect(short.code).toBe(2);
    expectOneLineError(short, /password: must be at least 8 characters/);

    const badEmail = await cli(['user', 'create', 'carol', '--email', 'not-an-email'], { env: { TESSERA_PASSWORD: 'long-enough-pw' } });
    expect(badEmail.code).toBe(2);
    expectOneLineError(badEmail, /^tessera: --email: must be an email address$/m);

    const badName = await cli(['user', 'create', 'carol smith', '--email', 'carol@example.test'], { env: { TESSERA_PASSWORD: 'long-enough-pw' } });
    expect(badName.code).toBe(2);
    expectOneLineError(badName, /^tessera: <username>: lowercase letters, digits/m);

    const taken = await cli(['user', 'create', 'alice', '--email', 'other@example.test'], { env: { TESSERA_PASSWORD: 'long-enough-pw' } });
    expect(taken.code).toBe(1);
    expectOneLineError(taken, /username alice is taken/);
  }, SLOW);

  test('user list shows the accounts, as JSON and as a table', async () => {
    const json = await cli(['user', 'list', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['alice', 'root2']));
    const text = await cli(['user', 'list']);
    expect(text.stdout).toMatch(/USERNAME/);
    expect(text.stdout).toMatch(/alice@example\.test/);
  });

  let tokenId: number;
  let token: string;

  test('token create prints the secret once, and the server accepts it at once', async () => {
    const result = await cli(['token', 'create', 'alice', '--name', 'ci', '--scopes', 'user,user:email', '--expires-in-days', '30', '--json']);
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record).toMatchObject({ name: 'ci', scopes: ['user', 'user:email'], active: true, impersonation: false });
    expect(record.token).toMatch(/^tsp_/);
    expect(record.token_last_four).toBe(record.token.slice(-4));
    ({ id: tokenId, token } = record);

    const me = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'alice', email: 'alice@example.test' });
  });

  test('in text mode stdout carries only the secret; the notice goes to stderr', async () => {
    const result = await cli(['token', 'create', 'alice', '--name', 'script', '--scopes', 'user']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^tsp_[A-Za-z0-9]+\n$/);
    expect(result.stderr).toMatch(/will not be shown again/);
    const me = await api(server.url, 'GET', '/api/v1/user', { auth: `token ${result.stdout.trim()}` });
    expect(me.status).toBe(200);
  });

  test('token list shows the records, never a secret', async () => {
    const result = await cli(['token', 'list', 'alice', '--json']);
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(list.map((t) => t.name)).toEqual(['script', 'ci']);
    expect(result.stdout).not.toContain(token);
    for (const t of list) expect(t).not.toHaveProperty('token');
  });

  test('token revoke stops a token the running server has just used, at once', async () => {
    // Warm the server's verified-token cache first: the revocation must reach past it.
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` })).status).toBe(200);

    const result = await cli(['token', 'revoke', String(tokenId), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: tokenId, revoked: true, active: false });

    const me = await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
    expect(me.status).toBe(401);
    expect(me.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const listed = JSON.parse((await cli(['token', 'list', 'alice', '--state', 'inactive', '--json'])).stdout);
    expect(listed.map((t: { id: number }) => t.id)).toEqual([tokenId]);
  });

  test('token create refuses an unknown or OpenID-only scope, an unknown user and bad flags', async () => {
    const scope = await cli(['token', 'create', 'alice', '--name', 'x', '--scopes', 'user,no:such']);
    expect(scope.code).toBe(2);
    expectOneLineError(scope, /unknown scope: no:such/);

    const oidcOnly = await cli(['token', 'create', 'alice', '--name', 'x', '--scopes', 'openid']);
    expect(oidcOnly.code).toBe(2);
    expectOneLineError(oidcOnly, /openid/);

    const user = await cli(['token', 'create', 'nobody', '--name', 'x', '--scopes', 'user']);
    expect(user.code).toBe(1);
    expectOneLineError(user, /no user named "nobody"/);

    const flag = await cli(['token', 'create', 'alice', '--name', 'x', '--scopes', 'user', '--frobnicate']);
    expect(flag.code).toBe(2);
    expectOneLineError(flag, /Unknown option '--frobnicate'/);
  }, SLOW);

  test('token commands refuse bad values, unknown ids and unknown subcommands', async () => {
    const days = await cli(['token', 'create', 'alice', '--name', 'x', '--scopes', 'user', '--expires-in-days', 'soon']);
    expect(days.code).toBe(2);
    expectOneLineError(days, /--expires-in-days must be a whole number/);

    const noName = await cli(['token', 'create', 'alice', '--scopes', 'user']);
    expect(noName.code).toBe(2);
    expectOneLineError(noName, /^tessera: --name: must not be empty$/m);

    // Errors name the flag the operator typed, never the JSON field behind it.
    const zeroDays = await cli(['token', 'create', 'alice', '--name', 'x', '--scopes', 'user', '--expires-in-days', '0']);
    expect(zeroDays.code).toBe(2);
    expectOneLineError(zeroDays, /^tessera: --expires-in-days: must be at least 1$/m);
    const allowlist = await cli(['token', 'create', 'alice', '--name', 'x', '--scopes', 'user', '--ip-allowlist', 'nowhere']);
    expect(allowlist.code).toBe(2);
    expectOneLineError(allowlist, /^tessera: --ip-allowlist: "nowhere" is not an IP address or CIDR range$/m);
    const state = await cli(['token', 'list', 'alice', '--state', 'gone']);
    expect(state.code).toBe(2);
    expectOneLineError(state, /^tessera: --state: must be one of: all, active, inactive$/m);
    for (const result of [noName, zeroDays, allowlist, state]) expect(result.stderr).not.toMatch(/expires_in_days|ip_allowlist|Too small/);

    const missingId = await cli(['token', 'revoke', '999999']);
    expect(missingId.code).toBe(1);
    expectOneLineError(missingId, /token not found/);

    const badId = await cli(['token', 'revoke', 'abc']);
    expect(badId.code).toBe(2);
    expectOneLineError(badId, /"abc" is not a token id/);

    const unknown = await cli(['token', 'frob']);
    expect(unknown.code).toBe(2);
    expectOneLineError(unknown, /unknown command "token frob"/);
  }, SLOW);

  test('client create registers an app the server authenticates; list, set-introspection and delete manage it', async () => {
    const created = await cli([
      'client', 'create', '--name', 'Build bot', '--grant-types', 'client_credentials', '--scopes', 'user', '--introspection', '--owner', 'alice', '--json',
    ]);
    expect(created.code).toBe(0);
    const app = JSON.parse(created.stdout);
    expect(app).toMatchObject({ name: 'Build bot', type: 'confidential', grant_types: ['client_credentials'], introspection: true, owner: 'alice' });
    expect(app.client_id).toEqual(expect.any(String));
    expect(app.client_secret).toEqual(expect.any(String));

    const discovery = await api(server.url, 'GET', '/.well-known/openid-configuration');
    const tokenPath = new URL(discovery.body.token_endpoint).pathname;
    const grant = () =>
      fetch(server.url + tokenPath, {
        method: 'POST',
        headers: { Authorization: basicAuth(app.client_id, app.client_secret), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=user',
      });
    const issued = await grant();
    expect(issued.status).toBe(200);
    expect(await issued.json()).toMatchObject({ access_token: expect.any(String), scope: 'user' });

    const listed = await cli(['client', 'list', '--json']);
    expect(listed.stdout).not.toContain(app.client_secret);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ client_id: app.client_id, introspection: true, owner: 'alice' })]);

    // The running server has just authenticated this caller; the permission change must still bite at once.
    const introspect = () =>
      fetch(discovery.body.introspection_endpoint, {
        method: 'POST',
        headers: { Authorization: basicAuth(app.client_id, app.client_secret), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'token=not-a-token',
      });
    const allowed = await introspect();
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ active: false });

    const off = await cli(['client', 'set-introspection', app.client_id, 'off', '--json']);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout)).toMatchObject({ client_id: app.client_id, introspection: false });
    expect((await introspect()).status).toBe(403);
    const badSetting = await cli(['client', 'set-introspection', app.client_id, 'maybe']);
    expect(badSetting.code).toBe(2);
    expectOneLineError(badSetting, /"on" or "off"/);

    const deleted = await cli(['client', 'delete', app.client_id]);
    expect(deleted.code).toBe(0);
    expect((await grant()).status).toBe(401);
    const again = await cli(['client', 'delete', app.client_id]);
    expect(again.code).toBe(1);
    expectOneLineError(again, /application not found/);
  }, SLOW);

  test('client create prints the public client without a secret, and refuses bad input', async () => {
    const pub = await cli(['client', 'create', '--name', 'CLI app', '--public', '--redirect-uri', 'http://127.0.0.1:8765/cb', '--json']);
    expect(pub.code).toBe(0);
    expect(JSON.parse(pub.stdout)).toMatchObject({ type: 'public', client_secret: null, redirect_uris: ['http://127.0.0.1:8765/cb'], owner: null });

    const scope = await cli(['client', 'create', '--name', 'x', '--redirect-uri', 'https://app.example/cb', '--scopes', 'nope']);
    expect(scope.code).toBe(2);
    expectOneLineError(scope, /^tessera: --scopes: unknown scope nope$/m);

    const grantType = await cli(['client', 'create', '--name', 'x', '--grant-types', 'password']);
    expect(grantType.code).toBe(2);
    expectOneLineError(grantType, /^tessera: --grant-types: must be one of: /m);

    const logout = await cli(['client', 'create', '--name', 'RP', '--redirect-uri', 'https://rp.example/cb', '--post-logout-redirect-uri', 'https://rp.example/bye', '--json']);
    expect(logout.code).toBe(0);
    expect(JSON.parse(logout.stdout)).toMatchObject({ redirect_uris: ['https://rp.example/cb'], post_logout_redirect_uris: ['https://rp.example/bye'] });
    const badLogout = await cli(['client', 'create', '--name', 'x', '--redirect-uri', 'https://rp.example/cb', '--post-logout-redirect-uri', 'http://rp.example/bye']);
    expect(badLogout.code).toBe(2);
    expectOneLineError(badLogout, /^tessera: --post-logout-redirect-uri: http:\/\/rp\.example\/bye must use https/m);

    const redirect = await cli(['client', 'create', '--name', 'x', '--redirect-uri', 'http://app.example/cb']);
    expect(redirect.code).toBe(2);
    expectOneLineError(redirect, /^tessera: --redirect-uri: http:\/\/app\.example\/cb must use https/m);
    const publicCc = await cli(['client', 'create', '--name', 'x', '--public', '--grant-types', 'client_credentials']);
    expect(publicCc.code).toBe(2);
    expectOneLineError(publicCc, /^tessera: --grant-types: client_credentials needs a client secret/m);
  }, SLOW);

  test('names refuse control characters (a terminal escape in a name would reach `client list`)', async () => {
    const app = await cli(['client', 'create', '--name', 'Build\u001b[2Jbot', '--grant-types', 'client_credentials']);
    expect(app.code).toBe(2);
    expectOneLineError(app, /--name: must not contain control characters \(U\+001B\)/);

    const token = await cli(['token', 'create', 'alice', '--name', 'ci', '--description', 'bell\u0007', '--scopes', 'user']);
    expect(token.code).toBe(2);
    expectOneLineError(token, /--description: must not contain control characters \(U\+0007\)/);

    const user = await cli(['user', 'create', 'dora', '--email', 'dora@example.test', '--display-name', 'Dora\u202e'], { env: { TESSERA_PASSWORD: 'long-enough-pw' } });
    expect(user.code).toBe(2);
    expectOneLineError(user, /--display-name: must not contain control characters \(U\+202E\)/);
  }, SLOW);

  test('jwks generate prints a private JWK Set that production configuration accepts', async () => {
    const result = await runCli({ PATH: process.env.PATH }, ['jwks', 'generate']);
    expect(result.code).toBe(0);
    const jwks = JSON.parse(result.stdout);
    expect(jwks.keys.map((k: { alg: string }) => k.alg)).toEqual(['RS256', 'ES256']);
    const config = loadConfig({ ...environment.env, DATABASE_URL: 'mysql://root@127.0.0.1:3306/test', JWKS: result.stdout });
    expect(config.jwks?.keys).toHaveLength(2);
  });

  test('invalid configuration fails with one line naming the variable', async () => {
    const result = await cli(['user', 'list'], { env: { PAT_PREFIX: 'Bad' } });
    expect(result.code).toBe(1);
    expectOneLineError(result, /Invalid configuration: PAT_PREFIX/);
  });

  test('scope lists take spaces as OAuth writes them, commas, or both', async () => {
    const spaced = await cli(['token', 'create', 'alice', '--name', 'spaced', '--scopes', 'user project:depot', '--json']);
    expect(spaced.code).toBe(0);
    expect(JSON.parse(spaced.stdout).scopes).toEqual(['user', 'project:depot']);
    const mixed = await cli(['token', 'create', 'alice', '--name', 'mixed', '--scopes', ' user:email, project ', '--scopes', 'notification', '--json']);
    expect(mixed.code).toBe(0);
    expect(JSON.parse(mixed.stdout).scopes).toEqual(['user:email', 'notification', 'project']);
    for (const body of [spaced, mixed]) {
      const { id } = JSON.parse(body.stdout);
      expect((await cli(['token', 'revoke', String(id)])).code).toBe(0);
    }
    const app = await cli(['client', 'create', '--name', 'spaced app', '--grant-types', 'client_credentials', '--scopes', 'user project', '--json']);
    expect(app.code).toBe(0);
    expect(JSON.parse(app.stdout)).toMatchObject({ grant_types: ['client_credentials'], scopes: ['user', 'project'] });
    expect((await cli(['client', 'delete', JSON.parse(app.stdout).client_id])).code).toBe(0);
  }, SLOW);
});
