import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startTestServer, type TestServer } from '../support/harness.js';
import { describeInBrowser, launchChromium, newUserContext } from './chromium.js';

/**
 * Settings → Access tokens in headless Chromium, as a person uses it: sign in, create a
 * token with two scopes and an expiry, copy it, use it, see "last used", edit, regenerate,
 * delete, delete all.
 */
describeInBrowser('access tokens in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let alice: { username: string; password: string };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    alice = await server.createUser('alice');
    context = await newUserContext(browser, server.url);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const me = (token: string) => api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader').filter({ hasText: name }) });

  it('signs in with the keyboard', async () => {
    await page.goto(`${server.url}/settings/tokens`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('Username').fill(alice.username);
    await page.getByLabel('Password').fill(alice.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/settings/tokens`);
    await expectHeading(page, 'Personal access tokens');
    expect(await page.getByText('Signed in as alice').isVisible()).toBe(true);
  });

  let token = '';

  it('creates a token with two scopes and a 7-day expiry; the secret is shown once and the copy button copies it', async () => {
    await page.getByRole('link', { name: 'New token' }).click();
    await expectHeading(page, 'New personal access token');
    await page.getByLabel('Name', { exact: true }).fill('laptop');
    await page.getByLabel('Description').fill('git on my laptop');
    await page.getByLabel('7 days').check();
    await page.locator('#scope-user').check();
    await page.locator('#scope-user-email').check();
    await page.getByRole('button', { name: 'Generate token' }).click();

    await page.waitForURL(/\/settings\/tokens\/reveal$/);
    await expectHeading(page, 'Your new token');
    expect(await page.getByRole('alert').textContent()).toContain('It will not be shown again');
    token = await page.getByRole('textbox', { name: 'Token value' }).inputValue();
    expect(token).toMatch(/^tsp_[A-Za-z0-9]+$/);
    const copy = page.getByRole('button', { name: /Copy/ });
    await copy.click();
    await page.getByText('Copied').first().waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);

    // Refresh: gone for good.
    await page.reload();
    await page.waitForURL(`${server.url}/settings/tokens`);
    expect(await page.getByText('The token is shown only once').isVisible()).toBe(true);
    expect(await page.content()).not.toContain(token);
  });

  it('the token works with /api/v1/user, and the list shows when it was last used', async () => {
    const laptop = row('laptop');
    expect(await laptop.locator('.last-used').textContent()).toContain('Never used');
    expect(await laptop.textContent()).toContain(`…${token.slice(-4)}`);
    expect(await laptop.textContent()).toContain('Active');
    const res = await me(`${token}`);
    expect(res.status).toBe(200);
    expect(res.body.email).toBe('alice@example.test');
    await page.reload();
    const lastUsed = await row('laptop').locator('.last-used').textContent();
    expect(lastUsed).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(lastUsed).toContain('127.0.0.1');
  });

  it('edits the token: dropping user:email bites at once', async () => {
    await row('laptop').getByRole('link', { name: 'Edit laptop' }).click();
    await expectHeading(page, 'Edit token “laptop”');
    await page.locator('#scope-user-email').uncheck();
    await page.getByLabel('Description').fill('git, no email');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(`${server.url}/settings/tokens`);
    expect(await page.getByRole('status').textContent()).toContain('Token “laptop” updated.');
    expect(await row('laptop').textContent()).toContain('git, no email');
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(res.body.email).toBeUndefined();
  });

  it('regenerates the token after confirmation: the new secret is shown once and the old one stops working', async () => {
    await row('laptop').getByRole('link', { name: 'Regenerate laptop' }).click();
    await expectHeading(page, 'Regenerate token “laptop”?');
    await page.getByRole('button', { name: 'Regenerate' }).click();
    await expectHeading(page, 'Your regenerated token');
    const fresh = await page.getByRole('textbox', { name: 'Token value' }).inputValue();
    expect(fresh).not.toBe(token);
    expect((await me(token)).status).toBe(401);
    expect((await me(fresh)).status).toBe(200);
    token = fresh;
    await page.getByRole('link', { name: 'Back to access tokens' }).click();
  });

  it('deletes one token after confirmation, then all of them', async () => {
    await page.getByRole('link', { name: 'New token' }).click();
    await page.getByLabel('Name', { exact: true }).fill('ci-runner');
    await page.getByLabel('30 days').check();
    await page.locator('#scope-user').check();
    await page.getByRole('button', { name: 'Generate token' }).click();
    const second = await page.getByRole('textbox', { name: 'Token value' }).inputValue();
    await page.getByRole('link', { name: 'Back to access tokens' }).click();

    await row('laptop').getByRole('link', { name: 'Delete laptop' }).click();
    await expectHeading(page, 'Delete token “laptop”?');
    await page.getByRole('button', { name: 'Delete' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Token deleted.');
    expect(await row('laptop').count()).toBe(0);
    expect((await me(token)).status).toBe(401);
    expect((await me(second)).status).toBe(200);

    await page.getByRole('link', { name: 'Delete all' }).click();
    await expectHeading(page, 'Delete all tokens?');
    await page.getByRole('button', { name: 'Delete all tokens' }).click();
    expect(await page.getByRole('status').textContent()).toContain('All tokens deleted.');
    expect(await page.getByText('No tokens yet.').isVisible()).toBe(true);
    expect((await me(second)).status).toBe(401);
  });

  it('signs out: the pages ask to sign in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.url}/login`);
    await page.goto(`${server.url}/settings/tokens`);
    await page.waitForURL(/\/login\?next=/);
  });
});

async function expectHeading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}
