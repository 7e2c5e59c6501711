import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { api, startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, relyingParty } from '../support/oauth.js';
import { launchChromium, newUserContext } from './chromium.js';

/**
 * `npm run screenshots`: renders the main pages in English and Chinese into docs/screenshots/.
 * Run by jest (for the harness and TypeScript) but not part of `npm test` (no `.test.ts`).
 * Chinese needs a CJK font on the machine (e.g. `apt-get install -y fonts-wqy-microhei`).
 */
const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const LOCALES = { en: 'en-US', zh: 'zh-CN' } as const;

describe('screenshots', () => {
  let server: TestServer;
  let browser: Browser;
  let clientId = '';
  const password = 'correct-horse-battery';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    fs.mkdirSync(OUT, { recursive: true });
    await server.createUser('alice', { password });
    const alice = await server.container.users.getByUsername('alice');
    const { pats, applications } = server.container;
    const { token } = await pats.create(alice, { name: 'laptop-git', description: 'git over HTTPS on my laptop', scopes: ['project:depot', 'user'], expiresInDays: 90 });
    await api(server.url, 'GET', '/api/v1/user', { auth: `Bearer ${token}` });
    await pats.create(alice, { name: 'ci-deploy', description: 'deploy job', scopes: ['project', 'project:file'], expiresInDays: 30, ipAllowlist: ['10.0.0.0/8'] });
    const { pat: old } = await pats.create(alice, { name: 'old-script', scopes: ['notification'], expiresInDays: 7 });
    await pats.revoke(alice, old.id, 'personal');
    const { app } = await applications.create(alice, { name: 'Photo Printer', homepageUrl: 'https://printer.example/', redirectUris: ['http://127.0.0.1:8976/callback'], type: 'confidential' });
    clientId = app.clientId;
    // A mistyped password from a script, for the security log.
    await api(server.url, 'GET', '/api/v1/user/tokens', { auth: `Basic ${Buffer.from('alice:correct-horse-batery').toString('base64')}`, headers: { 'User-Agent': 'curl/8.5.0' } });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [lang, locale] of Object.entries(LOCALES)) {
    it(`renders the main pages in ${lang}`, async () => {
      const context = await newUserContext(browser, server.url, locale);
      const page = await context.newPage();
      await page.setViewportSize({ width: 1100, height: 760 });
      const shot = (name: string, fullPage = false) => page.screenshot({ path: path.join(OUT, `${name}-${lang}.png`), fullPage });

      await signIn(page, `${server.url}/login`, password);
      await page.waitForURL(`${server.url}/settings/tokens`);
      await shot('token-list');

      await page.goto(`${server.url}/settings/tokens/new`);
      await page.locator('#name').fill('deploy-bot');
      await page.locator('#description').fill('CI deploys');
      await page.locator('input[name="expiry"][value="30"]').check();
      await page.locator('#scope-project-depot').check();
      await page.locator('#scope-user').check();
      await shot('new-token', true);

      await page.locator('form.token-form button[type="submit"]').click();
      await page.waitForURL(/\/reveal$/);
      await page.locator('button.copy').click();
      await shot('token-created');

      await page.goto(`${server.url}/settings/security-log`);
      await shot('security-log', true);

      await context.close();

      // A fresh OAuth sign-in (a browser not signed in to Tessera's pages, so the sign-in page shows), then the consent page.
      const fresh = await newUserContext(browser, server.url, locale);
      const oauthPage = await fresh.newPage();
      await oauthPage.setViewportSize({ width: 1100, height: 760 });
      const rp = await relyingParty(server.url, { client_id: clientId, client_secret: null });
      const flow = await authorizationRequest(rp, { scope: 'openid user user:email', redirect_uri: 'http://127.0.0.1:8976/callback' });
      await signIn(oauthPage, flow.url.href, password);
      await oauthPage.locator('.consent').waitFor();
      await oauthPage.screenshot({ path: path.join(OUT, `consent-${lang}.png`) });
      await fresh.close();
    }, 60_000);
  }
});

async function signIn(page: Page, url: string, password: string): Promise<void> {
  await page.goto(url);
  await page.locator('#username').fill('alice');
  await page.locator('#password').fill(password);
  await page.locator('button[type="submit"].primary').click();
}
