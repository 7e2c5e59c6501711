import type { Instances } from '../support/harness.js';
import { spawnInstances, type TesseraProcess } from '../support/processes.js';
import { accepts } from '../support/raw-http.js';

/**
 * LISTEN_HOST: behind a proxy on the same host, 127.0.0.1 keeps everyone else from reaching the
 * port (and forging X-Forwarded-For, which TRUST_PROXY believes). 127.0.0.2 stands for "another
 * interface": on Linux every 127.x address reaches the host, but only a server listening on it
 * (or on every interface) accepts there.
 */
describe('LISTEN_HOST', () => {
  let instances: Instances<TesseraProcess[]>;
  let everywhere: TesseraProcess;
  let loopbackOnly: TesseraProcess;

  beforeAll(async () => {
    // Two instances over one environment: only meaningful for the listening socket, which is all this looks at.
    const started = await spawnInstances([{ LOG_LEVEL: 'info' }, { LISTEN_HOST: '127.0.0.1', TRUST_PROXY: 'true' }]);
    [everywhere, loopbackOnly] = started.instances;
    instances = started;
  }, 60_000);

  afterAll(async () => {
    await instances?.close();
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
