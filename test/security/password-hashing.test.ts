import { setTimeout as sleep } from 'node:timers/promises';
import { basicAuth, startTestServer, type TestServer } from '../support/harness.js';
import { attemptAll, tally } from './sign-in-doors.js';

/**
 * scrypt as a denial of service (issue 9, item 5): wrong passwords under rotating usernames used
 * to fill the hashing threads, so a real sign-in waited behind all of them. Password checks are
 * now bounded per instance (docs/security.md#sign-in-throttling-and-password-hashing). These
 * servers hash at a real cost so that checks take long enough to pile up; the per-address failure
 * limit is lifted so that only the bounds under test hold the flood back.
 */
const REAL_COST = { TRUST_PROXY: 'true', PASSWORD_SCRYPT_N: '16384', SIGN_IN_FAILURES_PER_ADDRESS: '100000' };

describe('a full password-check queue', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ ...REAL_COST, PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2', PASSWORD_HASH_PER_ADDRESS: '2' });
  });
  afterAll(() => server.close());

  it('answers 503 temporarily_unavailable with Retry-After at once, instead of piling checks up', async () => {
    // 40 addresses, 40 usernames: nothing the throttle would stop.
    const spray = Array.from({ length: 40 }, (_, i) => ({ username: `nobody-${i}`, password: 'Winter2025!', ip: `198.51.100.${i + 1}` }));
    const answers = await attemptAll(server, 'api', '', spray);
    const counts = tally(answers);
    expect(Object.keys(counts).filter((k) => k !== '401' && k !== '503')).toEqual([]);
    expect(counts['503']).toBeGreaterThan(0);
    for (const busy of answers.filter((a) => a.status === 503)) {
      expect(busy.retryAfter).toMatch(/^[1-9]\d*$/);
      expect(JSON.parse(busy.text)).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringContaining('busy') });
    }
  });

  it('shows the busy page, in the visitor\'s language, on the sign-in pages', async () => {
    const spray = Array.from({ length: 40 }, (_, i) => ({ username: `nobody-${i}`, password: 'Winter2025!', ip: `198.51.101.${i + 1}` }));
    const answers = await attemptAll(server, 'web', '', spray);
    const busy = answers.filter((a) => a.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]!.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(busy[0]!.text).toContain('The server is busy. Try again in');
  });

  it('lets one address hold only its share of the queue (429 beyond it)', async () => {
    const burst = Array.from({ length: 20 }, (_, i) => ({ username: `nobody-${i}`, password: 'Winter2025!' }));
    const answers = await attemptAll(server, 'api', '203.0.113.5', burst);
    const counts = tally(answers);
    expect(Object.keys(counts).filter((k) => k !== '401' && k !== '429' && k !== '503')).toEqual([]);
    expect(counts['429']).toBeGreaterThan(0);
    for (const refused of answers.filter((a) => a.status === 429)) expect(refused.retryAfter).toMatch(/^[1-9]\d*$/);
  });
});

describe('a flood of wrong passwords from one address', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ ...REAL_COST, PASSWORD_HASH_PER_ADDRESS: '2' });
  });
  afterAll(() => server.close());

  it('does not keep a real user from another address waiting behind it', async () => {
    const carol = await server.createUser('carol');
    const flooder = '203.0.113.66';
    let stop = false;
    let sent = 0;
    const checked: number[] = []; // when each attacker's wrong password came back checked (401)
    const worker = async () => {
      while (!stop) {
        const res = await fetch(`${server.url}/api/v1/user/tokens`, {
          headers: { 'X-Forwarded-For': flooder, Authorization: basicAuth(`flood-${sent++}`, 'Winter2025!') },
        });
        await res.arrayBuffer();
        if (res.status === 401) checked.push(performance.now());
        else await sleep(100); // refused at once: an attacker would just ask again
      }
    };
    const workers = Array.from({ length: 48 }, worker);
    while (checked.length < 8) await sleep(20);

    const started = performance.now();
    const res = await fetch(`${server.url}/api/v1/user/tokens`, { headers: { 'X-Forwarded-For': '192.0.2.10', Authorization: carol.basic } });
    const finished = performance.now();
    stop = true;
    await Promise.all(workers);

    expect(res.status).toBe(200);
    // Carol's check waited behind at most the flooder's two places, and ran beside at most a few of
    // its checks; without the bound she waited behind one check per attacking connection (48).
    const overtaking = checked.filter((t) => t > started && t < finished).length;
    expect(overtaking).toBeLessThan(16);
  });
});
