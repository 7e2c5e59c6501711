import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, relyingParty } from '../support/oauth.js';
import { describeInBrowser, launchChromium, newUserContext } from './chromium.js';

/** What the page's own DOM says about its controls and headings (run inside the browser). */
const AUDIT = `(() => {
  const controls = [...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => el.type !== 'hidden' && !el.hidden);
  const unlabelled = controls.filter((el) => {
    if (el.tagName === 'BUTTON') return !(el.textContent.trim() || el.getAttribute('aria-label'));
    return !((el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
  }).map((el) => el.outerHTML.slice(0, 120));
  const h1 = document.querySelectorAll('h1').length;
  const levels = [...document.querySelectorAll('h1, h2, h3, h4')].map((h) => Number(h.tagName[1]));
  const skipped = levels.some((level, i) => i > 0 && level > levels[i - 1] + 1);
  return { unlabelled, h1, skipped, lang: document.documentElement.lang, title: document.title };
})()`;

interface Audit {
  unlabelled: string[];
  h1: number;
  skipped: boolean;
  lang: string;
  title: string;
}

/** Every page: a label on every control, one h1, no skipped heading level, a language and a title; keyboard entry by the skip link. */
describeInBrowser('accessibility of the pages', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tokenId = 0;
  let appId = 0;
  let clientId = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    await server.createUser('root', { admin: true, password: 'root-password' });
    const root = await server.container.users.getByUsername('root');
    tokenId = (await server.container.pats.create(root, { name: 'probe', scopes: ['user'], expiresInDays: 7 })).pat.id;
    const { app } = await server.container.applications.create(root, { name: 'Probe App', redirectUris: ['http://127.0.0.1:8976/cb'], type: 'confidential' });
    appId = app.id;
    clientId = app.clientId;
    context = await newUserContext(browser, server.url);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function audit(path: string): Promise<Audit> {
    await page.goto(path.startsWith('http') ? path : `${server.url}${path}`);
    return (await page.evaluate(AUDIT)) as Audit;
  }

  const expectAccessible = (result: Audit) => {
    expect(result.unlabelled).toEqual([]);
    expect(result.h1).toBe(1);
    expect(result.skipped).toBe(false);
    expect(result.lang).toMatch(/^(en|zh-Hans)$/);
    expect(result.title).toContain('Tessera');
  };

  it('the sign-in page; on the next page the skip link is the first keyboard stop', async () => {
    expectAccessible(await audit('/login'));
    await page.locator('#username').fill('root');
    await page.locator('#password').fill('root-password');
    await page.locator('#password').press('Enter');
    await page.waitForURL(`${server.url}/settings/tokens`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.className')).toBe('skip');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
  });

  it('every settings and admin page', async () => {
    for (const path of [
      '/settings/tokens',
      '/settings/tokens/new',
      `/settings/tokens/${tokenId}/edit`,
      `/settings/tokens/${tokenId}/regenerate`,
      `/settings/tokens/${tokenId}/delete`,
      '/settings/tokens/delete-all',
      '/settings/authorizations',
      '/settings/applications',
      '/settings/applications/new',
      `/settings/applications/${appId}`,
      `/settings/applications/${appId}/secret`,
      '/admin/users',
      '/admin/users/root',
      '/settings/notifications',
      '/settings/security-log',
      '/admin/security-log',
      '/device',
      '/settings/tokens/999999/edit',
    ]) {
      const result = await audit(path);
      try {
        expectAccessible(result);
      } catch (err) {
        throw new Error(`${path}: ${(err as Error).message}`);
      }
    }
  });

  it('the OAuth sign-in and consent pages, in both languages', async () => {
    for (const locale of ['zh-CN', 'en-US']) {
      // A fresh browser profile: no sign-in at the authorization server yet.
      const fresh = await newUserContext(browser, server.url, locale);
      page = await fresh.newPage();
      const rp = await relyingParty(server.url, { client_id: clientId, client_secret: null });
      const flow = await authorizationRequest(rp, { scope: 'openid user', redirect_uri: 'http://127.0.0.1:8976/cb' });
      const login = await audit(flow.url.href);
      expectAccessible(login);
      expect(login.lang).toBe(locale === 'zh-CN' ? 'zh-Hans' : 'en');
      await page.locator('#username').fill('root');
      await page.locator('#password').fill('root-password');
      await page.locator('button[value="login"]').click();
      await page.locator('.consent').waitFor();
      expectAccessible((await page.evaluate(AUDIT)) as Audit);
      await fresh.close();
    }
  });
});
