import net from 'node:net';
import { In } from 'typeorm';
import { WebSessionEntity } from '../../src/entities/index.js';
import { createTestEnvironment, startServer, type TestEnvironment } from '../support/harness.js';
import { spawnTessera, type TesseraProcess } from '../support/processes.js';
import { WebClient } from '../support/web-client.js';

/**
 * The compiled server, as a process: on SIGTERM it stops accepting connections, ends
 * keep-alive (idle connections closed, `Connection: close` on what is still to be answered),
 * lets in-flight requests finish, closes its pools and exits 0 — promptly, not after the
 * forced-exit timeout, which still bounds a request that never ends.
 */
const ADMIN = `Basic ${Buffer.from('admin:admin-password-for-tests').toString('base64')}`;

/** A raw keep-alive connection: what was received, and how it ended. */
class Connection {
  received = '';
  ended: 'open' | 'closed cleanly' | `error ${string}` = 'open';
  private readonly done: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.received += chunk));
    this.done = new Promise((resolve) => {
      socket.on('error', (err: NodeJS.ErrnoException) => {
        this.ended = `error ${err.code ?? err.message}`;
        resolve();
      });
      socket.on('close', () => {
        if (this.ended === 'open') this.ended = 'closed cleanly';
        resolve();
      });
    });
  }

  static open(url: string): Promise<Connection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves once the server has closed the connection (or `ms` passed). */
  closed(ms = 5000): Promise<void> {
    return Promise.race([this.done, new Promise<void>((r) => setTimeout(r, ms))]);
  }

  /** Resolves when `count` complete responses have arrived. */
  async responses(count: number, ms = 5000): Promise<string[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const heads = this.received.split(/(?=HTTP\/1\.1 \d{3} )/).filter(Boolean);
      const complete = heads.filter((r) => {
        const length = /content-length: (\d+)/i.exec(r);
        const [, body = ''] = r.split('\r\n\r\n');
        return length && Buffer.byteLength(body) >= Number(length[1]);
      });
      if (complete.length >= count || Date.now() > deadline) return complete;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** A token creation whose body is only partly sent: in flight until `finish()`. */
async function slowRequest(url: string, name: string): Promise<{ connection: Connection; finish(): void }> {
  const connection = await Connection.open(url);
  const body = JSON.stringify({ name, scopes: ['user'] });
  connection.socket.write(
    `POST /api/v1/user/tokens HTTP/1.1\r\nHost: tessera\r\nAuthorization: ${ADMIN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 4)}`,
  );
  return { connection, finish: () => connection.socket.write(body.slice(4)) };
}

function exitOf(child: TesseraProcess['child']): Promise<{ code: number | null; at: number }> {
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
}

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
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: tessera\r\n\r\n');
    expect(await idle.responses(1)).toHaveLength(1);
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
    busy.connection.socket.write('GET /healthz HTTP/1.1\r\nHost: tessera\r\n\r\n');
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
    stuck.connection.socket.destroy();
  }, 30_000);

  it('purges expired rows on its own, every CLEANUP_INTERVAL_SECONDS', async () => {
    tessera = await start({ CLEANUP_INTERVAL_SECONDS: '1' });
    const inspector = await startServer(environment);
    try {
      const sessions = inspector.container.dataSource.getRepository(WebSessionEntity);
      const before = await sessions.count();
      for (let i = 0; i < 3; i++) expect((await new WebClient(tessera.url).signIn('admin', 'admin-password-for-tests')).status).toBe(303);
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
