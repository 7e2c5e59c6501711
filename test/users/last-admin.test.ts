import { createLogger } from '../../src/logger.js';
import { CapturedLog } from '../support/captured-log.js';
import { api, startServer, startTestServer, type TestServer } from '../support/harness.js';

type Credentials = Awaited<ReturnType<TestServer['createUser']>>;

/**
 * An instance keeps at least one administrator: the account API refuses to delete the last one
 * (409), even when administrators delete each other at the same moment, and every
 * administrator-on-administrator action leaves an audit line (ids and action, nothing else).
 * On MariaDB the two deletions really interleave (a check-then-delete without the row locks
 * fails here); on SQLite the check and the delete are one statement.
 */
describe('the last administrator', () => {
  const log = new CapturedLog();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  /** A second instance over the same database (in embedded mode: a second connection to the SQLite file, as the CLI has). */
  let second: TestServer;

  beforeAll(async () => {
    server = await startTestServer({}, { logger: createLogger('info', log) });
    second = await startServer(server.environment, {}, { logger: createLogger('info', log) });
  });
  afterAll(async () => {
    await second.close();
    await server.close();
  });

  const adminNames = async () => (await server.container.users.list(0, 1000))[0].filter((u) => u.isAdmin).map((u) => u.username);
  const idOf = async (username: string) => (await server.container.users.getByUsername(username)).id;
  const auditLines = () => log.entries().filter((e) => e.audit === 'admin');
  const deleteUser = (as: Credentials, username: string, on: TestServer = server) => api(on.url, 'DELETE', `/api/v1/users/${username}`, { auth: as.basic });
  /** Deletes every other administrator, so that these are all there is. */
  const leaveOnly = async (...admins: Credentials[]) => {
    const keep = new Set(admins.map((a) => a.username));
    for (const name of await adminNames()) if (!keep.has(name)) expect((await deleteUser(admins[0]!, name)).status).toBe(204);
  };

  it.each([
    ['on one instance', 'a'],
    ['across two instances', 'b'],
  ])('two administrators deleting each other at once leave exactly one, %s (20 rounds)', async (_where, tag) => {
    const rivalsInstance = tag === 'a' ? server : second;
    let survivor = await server.createUser(`${tag}keeper0`, { admin: true });
    await leaveOnly(survivor);
    for (let round = 1; round <= 20; round++) {
      const rival = await server.createUser(`${tag}keeper${round}`, { admin: true });
      const refusedBefore = auditLines().filter((e) => e.action === 'user.delete_refused').length;
      const [byKeeper, byRival] = await Promise.all([deleteUser(survivor, rival.username), deleteUser(rival, survivor.username, rivalsInstance)]);

      const remaining = await adminNames();
      expect({ round, remaining: remaining.length }).toEqual({ round, remaining: 1 });
      const statuses = [byKeeper.status, byRival.status].sort();
      // The loser either saw the other's delete first (409) or had its own account deleted under it (401).
      expect([[204, 401], [204, 409]]).toContainEqual(statuses);
      for (const res of [byKeeper, byRival].filter((r) => r.status === 409)) {
        expect(res.body).toEqual({ error: 'conflict', error_description: expect.stringMatching(/^cannot delete the last administrator/) });
      }
      const refused = auditLines().filter((e) => e.action === 'user.delete_refused').length - refusedBefore;
      expect(refused).toBe(statuses.includes(409) ? 1 : 0);
      survivor = remaining[0] === rival.username ? rival : survivor;
    }
  });

  it('three administrators deleting in a ring at once leave at least one (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const ring = await Promise.all([0, 1, 2].map((i) => server.createUser(`ring${round}x${i}`, { admin: true })));
      await leaveOnly(...ring);
      const results = await Promise.all(ring.map((as, i) => deleteUser(as, ring[(i + 1) % 3]!.username, i === 1 ? second : server)));
      expect((await adminNames()).length).toBeGreaterThanOrEqual(1);
      for (const res of results) expect([204, 401, 409]).toContain(res.status);
    }
  });

  it('deleting another administrator who is not the last works, and is logged with ids only', async () => {
    const admins = await adminNames();
    const root = await server.createUser('root', { admin: true });
    const victim = await server.createUser('victim', { admin: true });
    const plain = await server.createUser('plain');
    const victimId = await idOf('victim');
    const before = auditLines().length;

    expect((await deleteUser(root, victim.username)).status).toBe(204);
    expect((await deleteUser(root, plain.username)).status).toBe(204); // not an administrator: no audit line
    expect(await adminNames()).toEqual([...admins, 'root']);

    const created = await api(server.url, 'POST', '/api/v1/users', {
      auth: root.basic,
      body: { username: 'second', email: 'second@example.test', password: 'second-password-1', admin: true },
    });
    expect(created.status).toBe(201);
    const impersonation = await api(server.url, 'POST', '/api/v1/users/second/impersonation-tokens', {
      auth: root.basic,
      body: { name: 'support', scopes: ['user'], expires_in_days: 1 },
    });
    expect(impersonation.status).toBe(201);

    const rootId = await idOf('root');
    const lines = auditLines().slice(before);
    expect(lines.map(({ actorId, targetId, action, msg }) => ({ actorId, targetId, action, msg }))).toEqual([
      { actorId: rootId, targetId: victimId, action: 'user.delete', msg: 'administrator acted on an administrator account' },
      { actorId: rootId, targetId: created.body.id, action: 'user.create', msg: 'administrator acted on an administrator account' },
      { actorId: rootId, targetId: created.body.id, action: 'impersonation_token.create', msg: 'administrator acted on an administrator account' },
    ]);
    const text = JSON.stringify(lines);
    for (const secret of [root.password, victim.password, 'second-password-1', impersonation.body.token, 'victim', 'second@example.test']) {
      expect(text).not.toContain(secret);
    }
  });

  it('an administrator still cannot delete their own account', async () => {
    const self = await server.createUser('selfish', { admin: true });
    const res = await deleteUser(self, 'selfish');
    expect(res.status).toBe(400);
    expect(await adminNames()).toContain('selfish');
  });
});
