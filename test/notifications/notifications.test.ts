import { NotificationEntity } from '../../src/entities/index.js';
import { api, createPat, startInstances, startTestServer, type Instances, type TestServer } from '../support/harness.js';
import { WebClient } from '../support/web-client.js';
import { runCli } from '../cli/run-cli.js';
import { eventually, startSmtpSink, type ReceivedMail } from './smtp-sink.js';

/**
 * Notifications to a token's owner, mailed through a real SMTP server (smtp-server on a loopback
 * port) by two instances over one database: each threshold (30, 7, 1 days, expired) exactly once,
 * in the owner's language, plain text and HTML; leak reports and sensitive scopes too. Without
 * SMTP_URL, the notices are only listed.
 */
const DAY = 86_400_000;

describe('notifications by mail, with two instances', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let instances: Instances<[TestServer, TestServer]>;
  let a: TestServer;
  let b: TestServer;
  let alice: Awaited<ReturnType<TestServer['createUser']>>;
  let bo: Awaited<ReturnType<TestServer['createUser']>>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const settings = { SMTP_URL: smtp.url, MAIL_FROM: 'Tessera <tessera@example.test>', NOTIFY_INTERVAL_SECONDS: '0' };
    instances = await startInstances([settings, settings]);
    [a, b] = instances.instances;
    alice = await a.createUser('alice');
    bo = await a.createUser('bo');
    // Bo signs in to the pages in Chinese: his mail is in Chinese. Alice has never signed in there: English.
    expect((await new WebClient(b.url, { 'Accept-Language': 'zh-CN,zh;q=0.9' }).signIn(bo.username, bo.password)).status).toBe(303);
  });
  afterAll(async () => {
    await instances?.close();
    await smtp?.close();
  });

  const advance = (ms: number) => {
    a.clock.advance(ms);
    b.clock.advance(ms);
  };
  /** Both instances run the scan and send the mail due, at the same time, twice. */
  const runBoth = async () => {
    for (let i = 0; i < 2; i++) await Promise.all([a.container.notifications.run(), b.container.notifications.run()]);
  };
  const mailTo = (who: string) => smtp.received.filter((m) => m.to.includes(`${who}@example.test`));
  const subjects = (mails: ReceivedMail[]) => mails.map((m) => m.subject);

  it('mails each expiry threshold exactly once, in the owner\'s language', async () => {
    const aliceToken = await createPat(a.url, alice.basic, { name: 'deploy', expires_in_days: 40 });
    const boToken = await createPat(b.url, bo.basic, { name: 'ci', expires_in_days: 40 });
    await runBoth();
    expect(smtp.received).toEqual([]);

    const steps: [number, string, string][] = [
      [10.5 * DAY, 'Your access token deploy expires within 30 days', '你的访问令牌 ci 将在 30 天内过期'],
      [23 * DAY, 'Your access token deploy expires within 7 days', '你的访问令牌 ci 将在 7 天内过期'],
      [6 * DAY, 'Your access token deploy expires within 1 day', '你的访问令牌 ci 将在 1 天内过期'],
      [1 * DAY, 'Your access token deploy has expired', '你的访问令牌 ci 已过期'],
    ];
    const expectedAlice: string[] = [];
    const expectedBo: string[] = [];
    for (const [ms, en, zh] of steps) {
      advance(ms);
      await runBoth();
      expectedAlice.push(en);
      expectedBo.push(zh);
      // Everything due was claimed and sent within the runs; another round sends nothing more.
      await runBoth();
      expect(subjects(mailTo('alice'))).toEqual(expectedAlice);
      expect(subjects(mailTo('bo'))).toEqual(expectedBo);
    }

    for (const [mail, token, lang] of [[mailTo('alice')[0]!, aliceToken, 'en'], [mailTo('bo')[0]!, boToken, 'zh']] as const) {
      expect(mail.parts.map((p) => p.type)).toEqual(['text/plain', 'text/html']);
      for (const part of mail.parts) {
        expect(part.body).toContain(token.token.slice(-4));
        expect(part.body).not.toContain(token.token);
        // The issuer's page (each test instance is its own issuer).
        expect([a.url, b.url].some((url) => part.body.includes(`${url}/settings/notifications`))).toBe(true);
      }
      expect(mail.parts[1]!.body).toContain(`lang="${lang === 'zh' ? 'zh-CN' : 'en'}"`);
    }
    expect(smtp.received[0]!.raw).toMatch(/^From: Tessera <tessera@example\.test>/m);

    // A later scan, a restart, or `tessera notify run` finds nothing new: one row per threshold.
    const rows = await a.container.dataSource.getRepository(NotificationEntity).find({ where: { tokenId: aliceToken.id }, order: { id: 'ASC' } });
    expect(rows.map((r) => [r.kind, r.thresholdDays, r.mailState, r.attempts])).toEqual([
      ['token_expiring', 30, 'sent', 1],
      ['token_expiring', 7, 'sent', 1],
      ['token_expiring', 1, 'sent', 1],
      ['token_expired', 0, 'sent', 1],
    ]);
  });

  it('mails a token created with a sensitive scope, and a leaked token revoked, once', async () => {
    const before = mailTo('alice').length;
    const token = await createPat(a.url, alice.basic, { name: 'keys', scopes: ['project:key'] });
    await createPat(a.url, alice.basic, { name: 'plain', scopes: ['user'] });
    await eventually(() => subjects(mailTo('alice')).slice(before), (s) => s.length >= 1);
    expect(subjects(mailTo('alice')).slice(before)).toEqual(['A new access token keys has sensitive scopes']);
    expect(mailTo('alice').at(-1)!.parts[0]!.body).toContain('project:key');

    // The leak intake records this action when it revokes a reported token.
    const [{ id }] = (await a.container.dataSource.query("SELECT id FROM users WHERE username = 'alice'")) as [{ id: number }];
    const user = { id: Number(id), username: 'alice' };
    const leak = { action: 'token.leak_reported' as const, user, token: { id: token.id, kind: 'personal_access_token' } };
    await a.container.securityLog.record(leak);
    await b.container.securityLog.record(leak);
    await eventually(() => subjects(mailTo('alice')).slice(before), (s) => s.length >= 2);
    await runBoth();
    expect(subjects(mailTo('alice')).slice(before)).toEqual(['A new access token keys has sensitive scopes', 'Your access token keys was revoked after a leak']);
  });

  it('retries a refused mail with backoff', async () => {
    const before = mailTo('bo').length;
    smtp.rejectNext(1);
    await createPat(b.url, bo.basic, { name: 'members', scopes: ['project:members'] });
    const repo = a.container.dataSource.getRepository(NotificationEntity);
    const row = await eventually(() => repo.findOneBy({ tokenName: 'members' }), (r) => r?.attempts === 1 && r.mailState === 'pending');
    expect(row!.nextAttemptAt!.getTime() - a.clock.now().getTime()).toBeGreaterThan(50_000);
    await runBoth();
    expect(mailTo('bo').length).toBe(before); // not yet due
    advance(61_000);
    await runBoth();
    expect(subjects(mailTo('bo')).slice(before)).toEqual(['新建的访问令牌 members 拥有敏感权限']);
    expect(await repo.findOneBy({ id: row!.id })).toMatchObject({ mailState: 'sent', attempts: 2 });
  });
});

describe('`tessera notify run` (for cron)', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    const mail = { SMTP_URL: smtp.url, MAIL_FROM: 'tessera@example.test', NOTIFY_INTERVAL_SECONDS: '0' };
    server = await startTestServer(mail);
    env = { ...server.environment.env, ...mail };
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('scans and mails what is due, once, alongside a running instance', async () => {
    const dave = await server.createUser('dave');
    await createPat(server.url, dave.basic, { name: 'cron', expires_in_days: 3 });
    const first = await runCli(env, ['notify', 'run', '--json']);
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toMatchObject({ scanned: true, added: 1, sent: 1, failed: 0 });
    const again = await runCli(env, ['notify', 'run']);
    expect(again.stdout).toContain('Added 0 notification(s).');
    expect(await server.container.notifications.run()).toMatchObject({ added: 0, sent: 0 });
    expect(smtp.received.map((m) => [m.to, m.subject])).toEqual([[['dave@example.test'], 'Your access token cron expires within 7 days']]);
  });

  it('runs inside the server on its schedule (as main.ts starts it)', async () => {
    const erin = await server.createUser('erin');
    await createPat(server.url, erin.basic, { name: 'scheduled', expires_in_days: 2 });
    const schedule = server.container.notifications.schedule(50);
    try {
      await eventually(() => smtp.received.filter((m) => m.to.includes('erin@example.test')).length, (n) => n >= 1);
    } finally {
      await schedule.stop();
    }
    expect(smtp.received.filter((m) => m.to.includes('erin@example.test')).map((m) => m.subject)).toEqual(['Your access token scheduled expires within 7 days']);
  });
});

describe('notifications without SMTP_URL', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('keeps them for the notifications list only', async () => {
    const carol = await server.createUser('carol');
    await createPat(server.url, carol.basic, { name: 'members', scopes: ['project:members'], expires_in_days: 3 });
    await server.container.notifications.run();
    const repo = server.container.dataSource.getRepository(NotificationEntity);
    const rows = await eventually(() => repo.find({ order: { id: 'ASC' } }), (r) => r.length === 2);
    expect(rows.map((r) => [r.kind, r.thresholdDays, r.mailState])).toEqual(
      expect.arrayContaining([
        ['sensitive_scope', 0, 'none'],
        ['token_expiring', 7, 'none'],
      ]),
    );
    const listed = await api(server.url, 'GET', '/api/v1/user/notifications', { auth: carol.basic });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-total-count')).toBe('2');
    expect(listed.body.map((n: { kind: string; threshold_days: number | null; mail: string; token_name: string; read: boolean }) => [n.kind, n.threshold_days, n.mail, n.token_name, n.read]).sort()).toEqual([
      ['sensitive_scope', null, 'none', 'members', false],
      ['token_expiring', 7, 'none', 'members', false],
    ]);
    expect((await api(server.url, 'GET', '/api/v1/user/notifications?limit=0', { auth: carol.basic })).status).toBe(400);
    expect((await api(server.url, 'GET', '/api/v1/user/notifications')).status).toBe(401);

    // Settings → Notifications, in either language; showing them marks them read.
    const zh = new WebClient(server.url, { 'Accept-Language': 'zh-CN' });
    await zh.signIn(carol.username, carol.password);
    const page = await zh.get('/settings/notifications');
    expect(page.status).toBe(200);
    expect(page.text).toContain('将在 7 天内过期');
    expect(page.text).toContain('拥有敏感权限：project:members');
    expect(page.text).toContain('未发邮件');
    const en = new WebClient(server.url);
    await en.signIn(carol.username, carol.password);
    const english = await en.get('/settings/notifications');
    expect(english.text).toContain('expires within 7 day(s)');
    expect(english.text).not.toContain('<strong>New</strong>');
    expect((await api(server.url, 'GET', '/api/v1/user/notifications', { auth: carol.basic })).body.every((n: { read: boolean }) => n.read)).toBe(true);
  });
});
