import type { Browser, Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/harness.js';
import { describeInBrowser, launchChromium, newUserContext } from './chromium.js';

/**
 * Settings → Security log and Admin → Security log in headless Chromium, as people use them:
 * reach the page from the navigation, filter by action, follow a token's hash to its entries,
 * and, as an administrator, narrow everyone's log to one user.
 */
describeInBrowser('the security log in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: { username: string; password: string };
  let root: { username: string; password: string };
  let token = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    alice = await server.createUser('alice');
    root = await server.createUser('root', { admin: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signIn = async (page: Page, who: { username: string; password: string }) => {
    await page.goto(`${server.url}/login`);
    await page.locator('#username').fill(who.username);
    await page.locator('#password').fill(who.password);
    await page.keyboard.press('Enter');
  };
  const actions = (page: Page) => page.locator('table.security-log tbody .action').allTextContents();

  it('shows a user their sign-ins, failed ones too, and filters by action', async () => {
    const stranger = await (await newUserContext(browser, server.url)).newPage();
    await signIn(stranger, { username: 'alice', password: 'not-alices-password' });
    await stranger.getByRole('alert').waitFor();

    const page = await (await newUserContext(browser, server.url)).newPage();
    await signIn(page, alice);
    await page.waitForURL(`${server.url}/settings/tokens`);
    const me = await server.container.users.getByUsername('alice');
    token = (await server.container.pats.create(me, { name: 'deploy', scopes: ['user'], expiresInDays: 7 })).token;

    await page.getByRole('link', { name: 'Security log' }).click();
    await page.waitForURL(`${server.url}/settings/security-log`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Security log');
    expect(await actions(page)).toEqual(['Token created', 'Signed in', 'Sign-in failed', 'Account created']);
    expect(await page.content()).not.toContain('not-alices-password');

    await page.getByLabel('Action').selectOption({ label: 'Sign-in failed' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=user\.sign_in_failed/);
    expect(await actions(page)).toEqual(['Sign-in failed']);
    expect(await page.locator('table.security-log tbody').textContent()).toContain('wrong_password');
  });

  it('follows a token\'s hash to that token\'s entries', async () => {
    const page = await (await newUserContext(browser, server.url)).newPage();
    await signIn(page, alice);
    await page.waitForURL(`${server.url}/settings/tokens`);
    await page.goto(`${server.url}/settings/security-log`);
    const hash = createHash('sha256').update(token).digest('base64');
    await page.getByRole('link', { name: hash }).click();
    await page.waitForURL(/hashed_token=/);
    expect(await page.getByLabel('Token hash').inputValue()).toBe(hash);
    expect(await actions(page)).toEqual(['Token created']);
  });

  it('lets an administrator narrow everyone\'s log to one user, in Chinese too', async () => {
    const page = await (await newUserContext(browser, server.url)).newPage();
    await signIn(page, root);
    await page.waitForURL(`${server.url}/settings/tokens`);
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('link', { name: 'Security log (all users)' }).click();
    await page.waitForURL(`${server.url}/admin/security-log`);
    const users = await page.locator('table.security-log tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(users)).toEqual(new Set(['alice', 'root']));

    await page.getByLabel('User', { exact: true }).fill('alice');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/user=alice/);
    expect(new Set(await page.locator('table.security-log tbody tr td:nth-child(3)').allTextContents())).toEqual(new Set(['alice']));

    const zh = await (await newUserContext(browser, server.url, 'zh-CN')).newPage();
    await signIn(zh, root);
    await zh.waitForURL(`${server.url}/settings/tokens`);
    await zh.goto(`${server.url}/admin/security-log?user=alice&action=user.sign_in_failed`);
    expect(await zh.getByRole('heading', { level: 1 }).textContent()).toBe('安全日志（所有用户）');
    expect(await actions(zh)).toEqual(['登录失败']);
  });
});
