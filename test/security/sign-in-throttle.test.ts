import type * as oidc from 'openid-client';
import { startTestServer, type TestServer } from '../support/harness.js';
import { attempt, attemptAll, DOORS, oauthApp, tally, type Answer } from './sign-in-doors.js';

/**
 * Password guessing through the three doors that take a password (API Basic auth, the web
 * sign-in page, the OAuth sign-in page), which share one throttle (issue 9, items 2 and 5;
 * docs/security.md#sign-in-throttling-and-password-hashing).
 */
const retryAfter = (a: Answer) => Number(a.retryAfter);

describe('parallel guesses for one account from one address', () => {
  let server: TestServer;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    // Room for every guess in the hashing queue: what holds them back here is the throttle.
    server = await startTestServer({ TRUST_PROXY: 'true', PASSWORD_HASH_PER_ADDRESS: '1000', PASSWORD_HASH_QUEUE: '1000' });
    rp = await oauthApp(server);
  });
  afterAll(() => server.close());

  it.each(DOORS)('%s: of 60 guesses sent at once, the right one among them, at most 10 wrong ones are checked; the rest get 429', async (door) => {
    const victim = await server.createUser(`victim-${door}`);
    const guesses = Array.from({ length: 60 }, (_, i) => ({ username: victim.username, password: i === 30 ? victim.password : `guess-${i}` }));
    const answers = await attemptAll(server, door, `203.0.113.${DOORS.indexOf(door) + 10}`, guesses, rp);
    const counts = tally(answers);
    expect(Object.keys(counts).filter((k) => !['401', '429', 'signedIn'].includes(k))).toEqual([]);
    const wrong = counts['401'] ?? 0;
    const checked = wrong + (counts.signedIn ?? 0);
    // A point is reserved before each check and kept by each wrong guess: 10 at most. A right one
    // gives its point back, which may let one more guess be checked.
    expect(wrong).toBeLessThanOrEqual(10);
    expect(checked).toBeLessThanOrEqual(11);
    expect(counts['429']).toBe(60 - checked);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(retryAfter(refused)).toBeGreaterThan(0);
      expect(retryAfter(refused)).toBeLessThanOrEqual(900);
    }
  });
});

describe('password spraying from one address', () => {
  let server: TestServer;
  let rp: oidc.Configuration;
  const SHARED = '198.51.100.7';

  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', SIGN_IN_FAILURES_PER_ADDRESS: '20' });
    rp = await oauthApp(server);
  });
  afterAll(() => server.close());

  it('gets 429 after the per-address limit, whatever the usernames; accounts that signed in from the address before still can', async () => {
    const regular = await server.createUser('regular');
    const newcomer = await server.createUser('newcomer');
    expect((await attempt(server, 'api', SHARED, regular)).signedIn).toBe(true);

    const answers: Answer[] = [];
    for (let i = 0; i < 30; i++) {
      const door = DOORS[i % 3]!;
      answers.push(await attempt(server, door, SHARED, { username: `sprayed-${i}`, password: 'Winter2025!' }, rp));
    }
    expect(answers.slice(0, 20).map((a) => a.status)).toEqual(Array(20).fill(401));
    expect(answers.slice(20).map((a) => a.status)).toEqual(Array(10).fill(429));
    expect(answers.slice(20).every((a) => retryAfter(a) > 0 && retryAfter(a) <= 900)).toBe(true);

    // The address is closed to accounts that never signed in from it, even with the right password …
    expect((await attempt(server, 'web', SHARED, newcomer)).status).toBe(429);
    // … but spraying from a shared address does not lock out the people who sign in there.
    expect((await attempt(server, 'oauth', SHARED, regular, rp)).signedIn).toBe(true);
    expect((await attempt(server, 'api', SHARED, regular)).signedIn).toBe(true);
    // Other addresses are not affected.
    expect((await attempt(server, 'api', '192.0.2.44', newcomer)).signedIn).toBe(true);
  });

  it('counts an IPv6 client by its /64: hopping addresses inside it buys no guesses', async () => {
    const target = await server.createUser('v6-target');
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++) statuses.push((await attempt(server, 'api', `2001:db8:77:1::${i.toString(16)}`, { username: target.username, password: `guess-${i}` })).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // Another /64 has its own count.
    expect((await attempt(server, 'api', '2001:db8:77:2::1', target)).signedIn).toBe(true);
  });
});

describe('one account guessed at from many addresses', () => {
  let server: TestServer;
  const HOME = '192.0.2.10';

  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', SIGN_IN_FAILURES_PER_ACCOUNT: '5' });
  });
  afterAll(() => server.close());

  it('is slowed down past the per-account limit (seconds, not the window), and never for the addresses its user signs in from', async () => {
    const carol = await server.createUser('carol');
    expect((await attempt(server, 'api', HOME, carol)).signedIn).toBe(true);

    const guesses: number[] = [];
    for (let i = 1; i <= 6; i++) guesses.push((await attempt(server, 'api', `198.51.100.${i}`, { username: 'carol', password: `guess-${i}` })).status);
    // Five failures, then one more check: the first past the limit takes the account's 10-second slot.
    expect(guesses).toEqual(Array(6).fill(401));
    const slowed = await attempt(server, 'api', '198.51.100.7', { username: 'carol', password: 'guess-7' });
    expect(slowed.status).toBe(429);
    expect(retryAfter(slowed)).toBeGreaterThan(0);
    expect(retryAfter(slowed)).toBeLessThanOrEqual(10);

    // Carol from home is not slowed at all …
    expect((await attempt(server, 'web', HOME, carol)).signedIn).toBe(true);
    // … and from a new address she waits seconds, not a lockout.
    const away = await attempt(server, 'api', '203.0.113.200', carol);
    expect(away.status).toBe(429);
    expect(retryAfter(away)).toBeLessThanOrEqual(10);
  });
});
