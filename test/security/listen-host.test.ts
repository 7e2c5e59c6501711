import net from 'node:net';
import { createTestEnvironment, type TestEnvironment } from '../support/harness.js';
import { spawnTessera, type TesseraProcess } from '../support/processes.js';

/** Whether a TCP connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * LISTEN_HOST: behind a proxy on the same host, 127.0.0.1 keeps everyone else from reaching the
 * port (and forging X-Forwarded-For, which TRUST_PROXY believes). 127.0.0.2 stands for "another
 * interface": on Linux every 127.x address reaches the host, but only a server listening on it
 * (or on every interface) accepts there.
 */
describe('LISTEN_HOST', () => {
  let environment: TestEnvironment;
  let everywhere: TesseraProcess;
  let loopbackOnly: TesseraProcess;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    // Two instances over one environment: only meaningful for the listening socket, which is all this looks at.
    everywhere = await spawnTessera({ ...environment.env, LOG_LEVEL: 'info' });
    loopbackOnly = await spawnTessera({ ...environment.env, LISTEN_HOST: '127.0.0.1', TRUST_PROXY: 'true' });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([everywhere?.stop(), loopbackOnly?.stop()]);
    await environment?.destroy();
  });

  it('by default (0.0.0.0) the server accepts on every IPv4 interface', async () => {
    const port = Number(new URL(everywhere.url).port);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    expect(await accepts('127.0.0.2', port)).toBe(true);
    expect(everywhere.output()).toContain('"host":"0.0.0.0"');
  });

  it('127.0.0.1 accepts only there', async () => {
    const port = Number(new URL(loopbackOnly.url).port);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    expect(await accepts('127.0.0.2', port)).toBe(false);
    expect((await fetch(`${loopbackOnly.url}/healthz`)).status).toBe(200);
  });
});
