import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildRequestListener } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createContainer, type Container } from '../../src/container.js';
import { createLogger } from '../../src/logger.js';
import { CapturedLog } from '../support/captured-log.js';
import { api, basicAuth, createTestEnvironment, type TestEnvironment } from '../support/harness.js';


describe('secrets never reach the logs', () => {
  const log = new CapturedLog();
  let environment: TestEnvironment;
  let container: Container;
  let httpServer: http.Server;
  let url: string;

  // Like the harness's startServer, but with the real logger configuration writing to `log`.
  beforeAll(async () => {
    environment = await createTestEnvironment();
    container = await createContainer(loadConfig(environment.env), { logger: createLogger('trace', log) });
    httpServer = http.createServer(buildRequestListener(container));
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
    await container.close();
    await environment.destroy();
  });

  it('passwords and token strings used across the PAT lifecycle appear in no log line', async () => {
    const adminPassword = 'admin password 1234';
    await container.users.create({ username: 'root', email: 'root@example.test', password: adminPassword, isAdmin: true });
    const admin = { password: adminPassword, basic: basicAuth('root', adminPassword) };
    const newPassword = 'correct horse battery staple 42';
    const created = await api(url, 'POST', '/api/v1/users', { auth: admin.basic, body: { username: 'mona', email: 'mona@example.test', password: newPassword } });
    expect(created.status).toBe(201);
    const mona = basicAuth('mona', newPassword);

    const pat = (await api(url, 'POST', '/api/v1/user/tokens', { auth: mona, body: { name: 'ci', scopes: ['user', 'user:email'] } })).body;
    const secrets: string[] = [admin.password, newPassword, pat.token];
    for (const auth of [`Bearer ${pat.token}`, `token ${pat.token}`, basicAuth('mona', pat.token)]) {
      expect((await api(url, 'GET', '/api/v1/user', { auth })).status).toBe(200);
    }
    // A token in the query string (a client mistake) is not logged either.
    await api(url, 'GET', `/api/v1/user?access_token=${pat.token}`);
    // Failures: wrong password, token used to manage tokens, tampered token, malformed JSON carrying a secret.
    expect((await api(url, 'GET', '/api/v1/user/tokens', { auth: basicAuth('mona', `${newPassword}x`) })).status).toBe(401);
    expect((await api(url, 'POST', '/api/v1/user/tokens', { auth: `Bearer ${pat.token}`, body: { name: 'x', scopes: ['user'] } })).status).toBe(401);
    expect((await api(url, 'GET', '/api/v1/user', { auth: `Bearer ${pat.token.slice(0, -1)}${pat.token.endsWith('x') ? 'y' : 'x'}` })).status).toBe(401);
    const malformed = await api(url, 'POST', '/api/v1/users', { auth: admin.basic, rawBody: `{"username":"x","password":"${newPassword}"` });
    expect(malformed.status).toBe(400);

    const regenerated = (await api(url, 'POST', `/api/v1/user/tokens/${pat.id}/regenerate`, { auth: mona })).body;
    secrets.push(regenerated.token);
    expect((await api(url, 'GET', '/api/v1/user', { auth: `Bearer ${regenerated.token}` })).status).toBe(200);
    const imp = (await api(url, 'POST', '/api/v1/users/mona/impersonation-tokens', { auth: admin.basic, body: { name: 'i', scopes: ['user'] } })).body;
    secrets.push(imp.token);
    expect((await api(url, 'GET', '/api/v1/user', { auth: `Bearer ${imp.token}` })).status).toBe(200);
    // The introspection endpoint (answered outside the Koa app) logs its line the same way.
    const app = (
      await api(url, 'POST', '/api/v1/user/applications', {
        auth: mona,
        body: { name: 'rs', type: 'confidential', redirect_uris: ['https://rs.example/cb'], grant_types: ['client_credentials'], introspection: true },
      })
    ).body;
    secrets.push(app.client_secret);
    const introspect = (body: Record<string, string>) =>
      fetch(`${url}/token/introspection`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Request-Id': 'introspect-1' }, body: new URLSearchParams(body) });
    expect((await introspect({ token: imp.token, client_id: app.client_id, client_secret: app.client_secret })).status).toBe(200);
    expect((await introspect({ token: imp.token, client_id: app.client_id, client_secret: `${app.client_secret}x` })).status).toBe(401);

    expect((await api(url, 'DELETE', `/api/v1/user/tokens/${pat.id}`, { auth: mona })).status).toBe(204);

    // The log is real (one JSON line per request, with a request id), and holds none of the secrets.
    const requests = log.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(15);
    expect(requests.every((l) => typeof l.requestId === 'string' && l.path.startsWith('/'))).toBe(true);
    const introspections = requests.filter((l) => l.path === '/token/introspection');
    expect(introspections.map((l) => [l.method, l.status, l.requestId])).toEqual([
      ['POST', 200, 'introspect-1'],
      ['POST', 401, 'introspect-1'],
    ]);
    expect(introspections.every((l) => typeof l.ms === 'number' && typeof l.ip === 'string' && l.ip.length > 0)).toBe(true);
    for (const secret of secrets) {
      expect(log.text).not.toContain(secret);
      // Nor the random body of a token without its prefix, nor base64 of a Basic header.
      expect(log.text).not.toContain(secret.slice(4, 20));
    }
    expect(log.text).not.toContain(Buffer.from(`mona:${newPassword}`).toString('base64'));
    expect(log.text).not.toContain(Buffer.from(`mona:${pat.token}`).toString('base64'));
  });

  it('redacts secrets carried by logged objects, such as a failed query\'s parameters', () => {
    const sink = new CapturedLog();
    const logger = createLogger('info', sink);
    const err = Object.assign(new Error('Query failed'), {
      query: 'INSERT INTO users (password_hash) VALUES (?)',
      parameters: ['scrypt$hash-of-a-password'],
      driverError: { sql: "INSERT INTO users (password_hash) VALUES ('scrypt$hash-of-a-password')" },
      sql: "INSERT INTO users (password_hash) VALUES ('scrypt$hash-of-a-password')",
    });
    logger.error({ err, headers: { authorization: 'Bearer tsp_secret' }, password: 'pw-secret' }, 'request failed');
    expect(sink.text).toContain('Query failed');
    expect(sink.text).not.toContain('hash-of-a-password');
    expect(sink.text).not.toContain('tsp_secret');
    expect(sink.text).not.toContain('pw-secret');
  });
});
