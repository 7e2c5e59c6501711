import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/harness.js';
import { describeInBrowser, launchChromium, newUserContext } from './chromium.js';

/**
 * Settings → Notifications in headless Chromium: reached from the navigation, it lists the
 * notices about the user's tokens (an expiry coming, a sensitive scope granted) in the page's
 * language, marks the new ones, and seeing them marks them read.
 */
describeInBrowser('the notification list in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: { username: string; password: string };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    alice = await server.createUser('alice');
    const me = await server.container.users.getByUsername('alice');
    await server.container.pats.create(me, { name: 'deploy', scopes: ['user'], expiresInDays: 5 });
    await server.container.pats.create(me, { name: 'keys', scopes: ['project:key'], expiresInDays: 90 });
    // The scan finds the token within its 7-day threshold (the same the server runs every NOTIFY_INTERVAL_SECONDS).
    await server.container.notifications.run();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signIn = async (page: Page) => {
    await page.goto(`${server.url}/login`);
    await page.locator('#username').fill(alice.username);
    await page.locator('#password').fill(alice.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/settings/tokens`);
  };
  const rows = (page: Page) => page.locator('table.notifications tbody tr td:nth-child(2)').allTextContents();

  it('lists the notices, new ones marked, and marks them read once seen', async () => {
    const page = await (await newUserContext(browser, server.url)).newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.waitForURL(`${server.url}/settings/notifications`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Notifications');
    const notices = await rows(page);
    expect(notices).toHaveLength(2);
    expect(notices.some((n) => /^Your token “deploy” \(…\w{4}\) expires within 7 day\(s\), on /.test(n))).toBe(true);
    expect(notices.some((n) => /“keys” \(…\w{4}\) was created with sensitive permissions: project:key\./.test(n))).toBe(true);
    expect(await page.locator('table.notifications tbody strong').allTextContents()).toEqual(['New', 'New']);
    // Without SMTP_URL nothing is mailed.
    expect(new Set(await page.locator('table.notifications tbody tr td:nth-child(3)').allTextContents())).toEqual(new Set(['Not emailed']));

    await page.reload();
    expect(await page.locator('table.notifications tbody strong').count()).toBe(0);
  });

  it('speaks Chinese when the page does', async () => {
    const page = await (await newUserContext(browser, server.url, 'zh-CN')).newPage();
    await signIn(page);
    await page.goto(`${server.url}/settings/notifications`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-Hans');
    expect((await rows(page)).join('\n')).toMatch(/deploy/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('通知');
    expect((await rows(page)).join('\n')).toMatch(/你的令牌“deploy”（…\w{4}）将在 7 天内过期/);
  });
});
