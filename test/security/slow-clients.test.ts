import type { Instances } from '../support/harness.js';
import { spawnInstances, SPAWNED_ADMIN, type TesseraProcess } from '../support/processes.js';
import { Connection } from '../support/raw-http.js';

/**
 * Slow and greedy clients against the real server process (src/main.ts, src/http/http-server.ts):
 * trickled headers and trickled bodies get 408 and lose their connection once the limit has
 * passed, and one address cannot hold more than MAX_CONNECTIONS_PER_ADDRESS connections.
 */
const HEADERS_TIMEOUT_S = 1;
const REQUEST_TIMEOUT_S = 2;
const MAX_CONNECTIONS = 4;
/** node:http looks for expired requests every second; plus a margin for a busy machine. */
const SLACK_MS = 1_000 + 1_500;

interface Trickle {
  /** Everything the server sent before it closed the connection. */
  text: string;
  closedAfterMs: number;
}

const HEALTHZ = 'GET /healthz HTTP/1.1\r\nHost: tessera\r\n\r\n';

/** Connects from `localAddress` (any 127.x reaches the host on Linux). */
const connect = (port: number, localAddress = '127.0.0.1') => Connection.open({ host: '127.0.0.1', port, localAddress });

/** Sends `head` at once, then `drip` one byte every 200 ms, until the server closes the connection. */
async function trickle(port: number, head: string, drip: string): Promise<Trickle> {
  const connection = await connect(port);
  const started = Date.now();
  connection.write(head);
  let i = 0;
  const timer = setInterval(() => {
    if (!connection.socket.destroyed && connection.socket.writable) connection.write(drip[i++ % drip.length]!);
  }, 200);
  await connection.closed(Infinity);
  clearInterval(timer);
  return { text: connection.received, closedAfterMs: Date.now() - started };
}

/** What a refused connection reads before the server closes it. */
async function readUntilClosed(connection: Connection): Promise<string> {
  await connection.closed(Infinity);
  return connection.received;
}

describe('slow and greedy clients', () => {
  let instances: Instances<TesseraProcess[]>;
  let tessera: TesseraProcess;
  let port: number;

  beforeAll(async () => {
    const started = await spawnInstances([
      {
        HEADERS_TIMEOUT_SECONDS: String(HEADERS_TIMEOUT_S),
        REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_S),
        MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS),
        LOG_LEVEL: 'info',
      },
    ]);
    [tessera] = started.instances;
    instances = started;
    port = Number(new URL(tessera.url).port);
  }, 60_000);

  afterAll(async () => {
    await instances?.close();
  });

  it('trickled headers: 408 and closed once HEADERS_TIMEOUT_SECONDS have passed', async () => {
    const result = await trickle(port, 'GET /healthz HTTP/1.1\r\nHost: tessera\r\n', 'X-Slow: a\r\n');
    expect(result.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_S * 1000 - 100);
    expect(result.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_S * 1000 + SLACK_MS);
  });

  it.each([
    // Signed in, so the route goes on to read the body.
    ['the API', '/api/v1/user/tokens', 'application/json', `Authorization: ${SPAWNED_ADMIN.basic}\r\n`],
    ['the introspection endpoint', '/token/introspection', 'application/x-www-form-urlencoded', ''],
    ['the token endpoint', '/token', 'application/x-www-form-urlencoded', ''],
  ])('a trickled body to %s: 408 and closed once REQUEST_TIMEOUT_SECONDS have passed', async (_door, path, type, authorization) => {
    const head = `POST ${path} HTTP/1.1\r\nHost: tessera\r\n${authorization}Content-Type: ${type}\r\nContent-Length: 1000\r\n\r\n`;
    const result = await trickle(port, head, 'a');
    expect(result.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_S * 1000 + SLACK_MS);
    // The handler that was reading the body sees a client gone, not a server failure.
    expect(tessera.output()).not.toContain('"status":500');
    expect(tessera.output()).not.toContain('request failed');
  });

  it('a keep-alive connection idle between prompt requests is not cut by the request timeout', async () => {
    const connection = await connect(port);
    try {
      expect(await connection.exchange(HEALTHZ)).toMatch(/^HTTP\/1\.1 200 /);
      await new Promise((r) => setTimeout(r, (REQUEST_TIMEOUT_S + 1) * 1000));
      expect(await connection.exchange(HEALTHZ)).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      connection.close();
    }
  });

  it('one address holds at most MAX_CONNECTIONS_PER_ADDRESS connections; the next is answered 429 and closed; others are not affected', async () => {
    // Addresses of their own (every 127.x reaches the host on Linux): the test's HTTP client keeps
    // connections from 127.0.0.1 open.
    const greedy = '127.0.0.3';
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect(port, greedy)));
    try {
      const refused = await readUntilClosed(await connect(port, greedy));
      expect(refused).toMatch(/^HTTP\/1\.1 429 /);
      expect(refused).toMatch(/\r\nRetry-After: 1\r\n/);
      expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'slow_down', error_description: 'too many open connections from this address' });
      // Another address is not affected.
      const other = await connect(port, '127.0.0.4');
      expect(await other.exchange(HEALTHZ)).toMatch(/^HTTP\/1\.1 200 /);
      other.close();
      // The held connections work, and one closed makes room for another.
      expect(await held[0]!.exchange(HEALTHZ)).toMatch(/^HTTP\/1\.1 200 /);
      held.pop()!.close();
      await new Promise((r) => setTimeout(r, 100));
      const again = await connect(port, greedy);
      expect(await again.exchange(HEALTHZ)).toMatch(/^HTTP\/1\.1 200 /);
      again.close();
    } finally {
      for (const connection of held) connection.close();
    }
  });
});
