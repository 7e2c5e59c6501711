import fs from 'node:fs';
import path from 'node:path';
import { api, createTestEnvironment, startServer, type TestEnvironment, type TestServer } from '../support/harness.js';
import { expectOneLineError, runCli } from './run-cli.js';

const DAY_MS = 86_400_000;
const SLOW = 60_000;

/**
 * The CLI cannot issue what the server would refuse: the server stores its issuance policy
 * (PAT_MAX_LIFETIME_DAYS, PAT_PREFIX, PASSWORD_SCRYPT_N, SCOPES_FILE's scopes) in the database
 * at start, the CLI follows it whatever its own environment leaves out, and refuses to run when
 * its environment sets one of them differently.
 */
describe('the server’s issuance policy binds the CLI', () => {
  let environment: TestEnvironment;
  let server: TestServer;
  let scopesFile: string;
  let serverEnv: NodeJS.ProcessEnv;
  const wiki = [{ name: 'wiki', access: 'read', implies: ['project'], description: { en: 'Read wikis', zh: '读取 Wiki' } }];

  beforeAll(async () => {
    environment = await createTestEnvironment();
    scopesFile = path.join(environment.env.DATA_DIR!, 'scopes.json');
    fs.writeFileSync(scopesFile, JSON.stringify(wiki));
    serverEnv = { PAT_MAX_LIFETIME_DAYS: '30', SCOPES_FILE: scopesFile };
    server = await startServer(environment, serverEnv);
    await server.createUser('alice');
  });
  afterAll(async () => {
    await server?.close();
    await environment.destroy();
  });

  /** The CLI as an operator runs it: the database settings, without the server's policy variables. */
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli({ ...environment.env, ...env }, args);

  it('applies the server’s lifetime cap and added scopes though its own environment has neither', async () => {
    const never = await cli(['token', 'create', 'alice', '--name', 'forever', '--scopes', 'user']);
    expect(never.code).toBe(2);
    expectOneLineError(never, /tokens must expire: the longest allowed lifetime is 30 days/);
    const tooLong = await cli(['token', 'create', 'alice', '--name', 'long', '--scopes', 'user', '--expires-in-days', '31']);
    expect(tooLong.code).toBe(2);
    expectOneLineError(tooLong, /the longest allowed lifetime is 30 days/);

    const ok = await cli(['token', 'create', 'alice', '--name', 'wiki-bot', '--scopes', 'user wiki', '--expires-in-days', '30', '--json']);
    expect(ok.code).toBe(0);
    const record = JSON.parse(ok.stdout);
    expect(record.scopes).toEqual(['user', 'wiki']);
    expect(Date.parse(record.expires_at) - Date.parse(record.created_at)).toBe(30 * DAY_MS);
    // And the server accepts what the CLI made.
    expect((await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${record.token}` })).status).toBe(200);
  }, SLOW);

  it('refuses to run when its environment sets a policy variable to something else, naming both values', async () => {
    const uncapped = await cli(['token', 'create', 'alice', '--name', 'x', '--scopes', 'user'], { PAT_MAX_LIFETIME_DAYS: '0' });
    expect(uncapped.code).toBe(1);
    expectOneLineError(uncapped, /PAT_MAX_LIFETIME_DAYS gives 0 \(no cap\) here, but the server enforces 30 days .*Unset PAT_MAX_LIFETIME_DAYS/);

    const otherFile = path.join(environment.env.DATA_DIR!, 'other-scopes.json');
    fs.writeFileSync(otherFile, JSON.stringify([{ ...wiki[0], name: 'wiki:write' }]));
    const scopes = await cli(['user', 'list'], { SCOPES_FILE: otherFile });
    expect(scopes.code).toBe(1);
    expectOneLineError(scopes, /SCOPES_FILE gives scopes wiki:write added here, but the server enforces scopes wiki added/);

    const prefix = await cli(['token', 'list', 'alice'], { PAT_PREFIX: 'abc_' });
    expect(prefix.code).toBe(1);
    expectOneLineError(prefix, /PAT_PREFIX gives "abc_" here, but the server enforces "tsp_"/);

    // The server's own values (or a copy of its file) are fine.
    const copy = path.join(environment.env.DATA_DIR!, 'copy.json');
    fs.copyFileSync(scopesFile, copy);
    const same = await cli(['token', 'create', 'alice', '--name', 'same', '--scopes', 'wiki', '--expires-in-days', '7', '--json'], { PAT_MAX_LIFETIME_DAYS: '30', SCOPES_FILE: copy });
    expect(same.code).toBe(0);
  }, SLOW);

  it('follows the policy of the server’s latest start', async () => {
    await server.close();
    server = await startServer(environment, { PAT_MAX_LIFETIME_DAYS: '7' });
    const tooLong = await cli(['token', 'create', 'alice', '--name', 'x', '--scopes', 'user', '--expires-in-days', '30']);
    expect(tooLong.code).toBe(2);
    expectOneLineError(tooLong, /the longest allowed lifetime is 7 days/);
    const noWiki = await cli(['token', 'create', 'alice', '--name', 'x', '--scopes', 'wiki', '--expires-in-days', '7']);
    expect(noWiki.code).toBe(2);
    expectOneLineError(noWiki, /unknown scope: wiki/);
  }, SLOW);
});
