import { api, basicAuth, createTestEnvironment, type TestEnvironment } from '../support/harness.js';
import { spawnTessera, type TesseraProcess } from '../support/processes.js';

// Two real Tessera processes sharing MariaDB and Redis: only meaningful in production mode.
const sharedBackends = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const describeShared = sharedBackends ? describe : describe.skip;

const ADMIN = basicAuth('admin', 'admin-password-for-tests');
const ROUNDS = 40;

describeShared('two instances over one MariaDB + Redis', () => {
  let environment: TestEnvironment;
  let a: TesseraProcess;
  let b: TesseraProcess;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    a = await spawnTessera(environment.env);
    b = await spawnTessera(environment.env);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await environment?.destroy();
  });

  async function createToken(scopes = ['user']): Promise<{ id: number; token: string }> {
    const res = await api(a.url, 'POST', '/api/v1/user/tokens', { auth: ADMIN, body: { name: 'multi', scopes } });
    expect(res.status).toBe(201);
    return res.body;
  }

  const useOn = (instance: TesseraProcess, token: string) => api(instance.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });

  it(`a token deleted, revoked or regenerated on A is refused by B at once (${ROUNDS} rounds, zero stale answers)`, async () => {
    let stale = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { id, token } = await createToken();
      // Warm B's cache first, so a stale answer would come from memory.
      expect((await useOn(b, token)).status).toBe(200);
      expect((await useOn(b, token)).status).toBe(200);
      const how = round % 2;
      if (how === 0) expect((await api(a.url, 'DELETE', `/api/v1/user/tokens/${id}`, { auth: ADMIN })).status).toBe(204);
      else expect((await api(a.url, 'POST', `/api/v1/user/tokens/${id}/regenerate`, { auth: ADMIN, body: {} })).status).toBe(200);
      if ((await useOn(b, token)).status !== 401) stale++;
    }
    expect(stale).toBe(0);
  }, 120_000);

  it('narrowing a token’s scopes on A takes effect on B at once', async () => {
    const { id, token } = await createToken(['user', 'project']);
    expect((await useOn(b, token)).status).toBe(200);
    const patched = await api(a.url, 'PATCH', `/api/v1/user/tokens/${id}`, { auth: ADMIN, body: { scopes: ['project'] } });
    expect(patched.status).toBe(200);
    const res = await useOn(b, token);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('insufficient_scope');
  });

  it('both instances answer ready', async () => {
    for (const instance of [a, b]) expect((await api(instance.url, 'GET', '/readyz')).body.checks).toEqual({ database: 'ok', redis: 'ok' });
  });
});
