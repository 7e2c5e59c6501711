import { runCli } from '../cli/run-cli.js';
import { api, basicAuth, createTestEnvironment, startServer, type TestEnvironment } from '../support/harness.js';
import { spawnTessera, SPAWNED_ADMIN } from '../support/processes.js';
import { authorizationRequest, registerApp, relyingParty, signInAndConsent } from '../support/oauth.js';
import { WebClient } from '../support/web-client.js';

const SLOW = 60_000;

/**
 * The first administrator: made on the first start of an empty database; when accounts were
 * made with the CLI before that start, none is made, and the server says so and how to get one.
 * `tessera user set-password` resets a password and signs the account out everywhere.
 */
describe('the first administrator', () => {
  let environment: TestEnvironment;

  beforeEach(async () => {
    environment = await createTestEnvironment();
  });
  afterEach(() => environment.destroy());

  const cli = (args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) => runCli({ ...environment.env, ...options.env }, args, options);

  it('an empty database gets "admin" at the first start, once', async () => {
    const first = await spawnTessera({ ...environment.env, TESSERA_ADMIN_PASSWORD: 'first-admin-password' });
    try {
      expect((await api(first.url, 'GET', '/api/v1/users', { auth: basicAuth('admin', 'first-admin-password') })).status).toBe(200);
      expect(first.output()).not.toContain('No administrator');
      expect(first.output()).not.toContain('first-admin-password');
    } finally {
      await first.stop();
    }
  }, SLOW);

  it('users made before the first start: no "admin", and the server says so and how to make one', async () => {
    const early = await cli(['user', 'create', 'alice', '--email', 'alice@example.test'], { stdin: 'alice-password-1\n' });
    expect(early.code).toBe(0);

    const server = await spawnTessera({ ...environment.env, LOG_LEVEL: 'warn' });
    try {
      const output = server.output();
      expect(output).toContain('No administrator: the database already had 1 user(s) when Tessera first started');
      expect(output).toContain('npx tessera user create <username> --email <email> --admin');
      expect((await api(server.url, 'GET', '/api/v1/users', { auth: SPAWNED_ADMIN.basic })).status).toBe(401);
    } finally {
      await server.stop();
    }
    // The log line too (the logger's buffer is flushed once the process has stopped).
    expect(server.output()).toMatch(/"level":40[^\n]*"users":1[^\n]*no administrator/);

    // Following the advice gives an administrator, and the next start is quiet.
    expect((await cli(['user', 'create', 'root', '--email', 'root@example.test', '--admin'], { stdin: 'root-password-1\n' })).code).toBe(0);
    const again = await spawnTessera({ ...environment.env, LOG_LEVEL: 'warn' });
    try {
      expect(again.output()).not.toContain('No administrator');
      expect((await api(again.url, 'GET', '/api/v1/users', { auth: basicAuth('root', 'root-password-1') })).status).toBe(200);
    } finally {
      await again.stop();
    }
  }, SLOW);

  it('user set-password: the new password works, the old one does not, and the account is signed out everywhere', async () => {
    const server = await startServer(environment);
    try {
      const alice = await server.createUser('alice', { password: 'old-password-1' });
      const web = new WebClient(server.url);
      await web.signIn('alice', 'old-password-1');
      expect((await web.get('/settings/tokens')).status).toBe(200);
      // Signed in at the authorization server too (its own session).
      const app = await registerApp(server.url, alice.basic, { name: 'RP' });
      const rp = await relyingParty(server.url, app);
      const browser = new WebClient(server.url);
      await signInAndConsent(browser, (await authorizationRequest(rp, { scope: 'openid' })).url, { username: 'alice', password: 'old-password-1' });
      expect((await browser.follow((await authorizationRequest(rp, { scope: 'openid' })).url.href)).location).toMatch(/code=/);
      const pat = await api(server.url, 'POST', '/api/v1/user/tokens', { auth: alice.basic, body: { name: 'kept', scopes: ['user'] } });

      const reset = await cli(['user', 'set-password', 'alice', '--json'], { stdin: 'new-password-1\n' });
      expect(reset.code).toBe(0);
      expect(JSON.parse(reset.stdout)).toEqual({ username: 'alice', password_set: true, sessions_ended: true });
      expect(reset.stdout).not.toContain('new-password-1');

      expect((await api(server.url, 'GET', '/api/v1/user/tokens', { auth: basicAuth('alice', 'old-password-1') })).status).toBe(401);
      expect((await api(server.url, 'GET', '/api/v1/user/tokens', { auth: basicAuth('alice', 'new-password-1') })).status).toBe(200);
      const signedOut = await web.get('/settings/tokens');
      expect(signedOut.status).toBe(303);
      expect(signedOut.location).toMatch(/^\/login/);
      expect((await browser.follow((await authorizationRequest(rp, { scope: 'openid' })).url.href)).text).toContain('name="password"');
      // Tokens are not sessions: they keep working.
      expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${pat.body.token}` })).status).toBe(200);
    } finally {
      await server.close();
    }
  }, SLOW);

  it('user set-password refuses a short or missing password and an unknown user', async () => {
    const server = await startServer(environment);
    try {
      await server.createUser('alice', { password: 'old-password-1' });
      const short = await cli(['user', 'set-password', 'alice'], { stdin: 'short\n' });
      expect([short.code, short.stderr.trim()]).toEqual([2, 'tessera: password: must be at least 8 characters']);
      const missing = await cli(['user', 'set-password', 'alice']);
      expect([missing.code, missing.stderr.trim()]).toEqual([2, 'tessera: no password given: set TESSERA_PASSWORD or pass it on stdin']);
      const nobody = await cli(['user', 'set-password', 'nobody'], { env: { TESSERA_PASSWORD: 'long-enough-1' } });
      expect([nobody.code, nobody.stderr.trim()]).toEqual([1, 'tessera: no user named "nobody"']);
      expect((await api(server.url, 'GET', '/api/v1/user/tokens', { auth: basicAuth('alice', 'old-password-1') })).status).toBe(200);
    } finally {
      await server.close();
    }
  }, SLOW);
});
