import { In } from 'typeorm';
import { WebSessionEntity } from '../../src/entities/index.js';
import { createTestEnvironment, startServer, type TestEnvironment } from '../support/harness.js';
import { spawnTessera, SPAWNED_ADMIN, type TesseraProcess } from '../support/processes.js';
import { Connection } from '../support/raw-http.js';
import { WebClient } from '../support/web-client.js';

/** A token creation whose body is only partly sent: in flight until `finish()`. */
async function slowRequest(url: string, name: string): Promise<{ connection: Connection; finish(): void }> {
  const connection = await Connection.open(url);
  const body = JSON.stringify({ name, scopes: ['user'] });
  connection.write(
    `POST /api/v1/user/tokens HTTP/1.1\r\nHost: tessera\r\nAuthorization: ${SPAWNED_ADMIN.basic}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 4)}`,
  );
  return { connection, finish: () => connection.write(body.slice(4)) };
}

function exitOf(child: TesseraProcess['child']): Promise<{ code: number | null; at: number }> {
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
}

/**
 * The compiled server, as a process: on SIGTERM it stops accepting connections, ends
 * keep-alive (idle connections closed, `Connection: close` on what is still to be answered),
 * lets in-flight requests finish, closes its pools and exits 0 — promptly, not after the
 * forced-exit timeout, which still bounds a request that never ends.
 */
describe('graceful shutdown of the server process', () => {
  let environment: TestEnvironment;
  let tessera: TesseraProcess | undefined;

  beforeAll(async () => {
    environment = await createTestEnvironment();
  });
  afterEach(async () => {
    await tessera?.stop();
    tessera = undefined;
  });
  afterAll(() => environment.destroy());

  const start = (env: NodeJS.ProcessEnv = {}) => spawnTessera({ ...environment.env, LOG_LEVEL: 'info', CLEANUP_INTERVAL_SECONDS: '0', ...env });

  it('on SIGTERM finishes in-flight requests with Connection: close, closes keep-alive connections cleanly, and exits 0 at once', async () => {
    tessera = await start();
    // An idle keep-alive connection, and six requests still sending their bodies.
    const idle = await Connection.open(tessera.url);
    expect(await idle.exchange('GET /healthz HTTP/1.1\r\nHost: tessera\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
    const slow = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => slowRequest(tessera!.url, `in flight ${i}`)));
    await new Promise((r) => setTimeout(r, 200));

    const exited = exitOf(tessera.child);
    const signalled = Date.now();
    tessera.child.kill('SIGTERM');

    // The idle connection is closed by the server, without a reset.
    await idle.closed();
    expect(idle.ended).toBe('closed cleanly');
    // No new connection is accepted.
    await expect(Connection.open(tessera.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // Each in-flight request is answered in full, says Connection: close, and its connection ends cleanly.
    for (const { finish } of slow) finish();
    for (const { connection } of slow) {
      const [response] = await connection.responses(1);
      expect(response).toMatch(/^HTTP\/1\.1 201 /);
      expect(response).toMatch(/\r\nConnection: close\r\n/i);
      await connection.closed();
      expect(connection.ended).toBe('closed cleanly');
    }

    const { code, at } = await exited;
    expect(code).toBe(0);
    // Well before the 10 s forced exit.
    expect(at - signalled).toBeLessThan(4000);
    const log = tessera.output();
    expect(log).toContain('"msg":"shut down"');
    expect(log).not.toMatch(/"level":50/);
  }, 30_000);

  it('a keep-alive client with another request queued behind one in flight is told Connection: close, and its connection closes cleanly', async () => {
    tessera = await start();
    const busy = await slowRequest(tessera.url, 'busy');
    await new Promise((r) => setTimeout(r, 100));
    const exited = exitOf(tessera.child);
    tessera.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    // Finish the first request and pipeline a second one behind it on the same connection.
    busy.finish();
    busy.connection.write('GET /healthz HTTP/1.1\r\nHost: tessera\r\n\r\n');
    const responses = await busy.connection.responses(1);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 201 [\s\S]*Connection: close/i);
    await busy.connection.closed();
    expect(busy.connection.ended).toBe('closed cleanly');
    expect((await exited).code).toBe(0);
  }, 30_000);

  it('still exits, with status 1, when a request outlives SHUTDOWN_TIMEOUT_SECONDS', async () => {
    tessera = await start({ SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const stuck = await slowRequest(tessera.url, 'never finished');
    await new Promise((r) => setTimeout(r, 100));
    const exited = exitOf(tessera.child);
    const signalled = Date.now();
    tessera.child.kill('SIGTERM');
    const { code, at } = await exited;
    expect(code).toBe(1);
    expect(at - signalled).toBeGreaterThanOrEqual(900);
    expect(at - signalled).toBeLessThan(4000);
    expect(tessera.output()).toContain('shutdown timed out');
    stuck.connection.close();
  }, 30_000);

  it('purges expired rows on its own, every CLEANUP_INTERVAL_SECONDS', async () => {
    tessera = await start({ CLEANUP_INTERVAL_SECONDS: '1' });
    const inspector = await startServer(environment);
    try {
      const sessions = inspector.container.dataSource.getRepository(WebSessionEntity);
      const before = await sessions.count();
      for (let i = 0; i < 3; i++) expect((await new WebClient(tessera.url).signIn(SPAWNED_ADMIN.username, SPAWNED_ADMIN.password)).status).toBe(303);
      const created = (await sessions.find()).map((s) => s.idDigest);
      expect(created).toHaveLength(before + 3);
      await sessions.update({ idDigest: In(created) }, { expiresAt: new Date(Date.now() - 1000) });
      const deadline = Date.now() + 5000;
      while ((await sessions.count()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await sessions.count()).toBe(0);
    } finally {
      await inspector.close();
    }
  }, 30_000);
});
