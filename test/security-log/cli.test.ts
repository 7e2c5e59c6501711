import { api, createTestEnvironment, startServer, type TestEnvironment, type TestServer } from '../support/harness.js';
import { runCli } from '../cli/run-cli.js';

/** What an operator does with `tessera` is in the security log too: no actor, no address, details.via 'cli'. */
describe('the security log of the tessera commands', () => {
  let environment: TestEnvironment;
  let server: TestServer;
  let root: Awaited<ReturnType<TestServer['createUser']>>;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    server = await startServer(environment);
    root = await server.createUser('root', { admin: true });
  });
  afterAll(async () => {
    await server?.close();
    await environment?.destroy();
  });

  it('records token create and revoke, and user create, with no actor and via cli, never the secret', async () => {
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli({ ...environment.env, ...env }, args);
    expect((await cli(['user', 'create', 'ivy', '--email', 'ivy@example.test'], { TESSERA_PASSWORD: 'ivys-password-123' })).code).toBe(0);
    const created = await cli(['token', 'create', 'ivy', '--name', 'from the shell', '--scopes', 'user', '--json']);
    expect(created.code).toBe(0);
    const { id, token } = JSON.parse(created.stdout) as { id: number; token: string };
    expect((await cli(['token', 'revoke', String(id)])).code).toBe(0);

    const res = await api(server.url, 'GET', '/api/v1/admin/security-log?user=ivy', { auth: root.basic });
    const entries = (res.body as Record<string, any>[]).map((e) => ({ action: e.action, actor: e.actor, actor_id: e.actor_id, ip: e.ip, user: e.user, token_id: e.token_id, via: e.details?.via, reason: e.details?.reason }));
    expect(entries).toEqual([
      { action: 'token.revoked', actor: null, actor_id: null, ip: null, user: 'ivy', token_id: id, via: 'cli', reason: 'operator' },
      { action: 'token.created', actor: null, actor_id: null, ip: null, user: 'ivy', token_id: id, via: 'cli', reason: undefined },
      { action: 'user.created', actor: null, actor_id: null, ip: null, user: 'ivy', token_id: null, via: 'cli', reason: undefined },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(token);
    expect(JSON.stringify(res.body)).not.toContain('ivys-password-123');
  }, 60_000);
});
