import { api, productionMode, startTestServer, type TestServer } from '../support/harness.js';

describe('health endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('GET /healthz answers ok', async () => {
    const res = await api(server.url, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz checks the database (and Redis in production mode)', async () => {
    const res = await api(server.url, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks.database).toBe('ok');
    if (productionMode && process.env.REDIS_URL) expect(res.body.checks.redis).toBe('ok');
  });

  it('unknown routes answer a JSON 404', async () => {
    const res = await api(server.url, 'GET', '/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});

describe('readiness when the database is gone', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('GET /readyz answers 503 naming the database; /healthz stays 200', async () => {
    await server.container.dataSource.destroy();
    const res = await api(server.url, 'GET', '/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.database).toBe('down');
    expect(res.body.error_description).toMatch(/database/);
    expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
  });
});
