import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/harness.js';
import { authorizationRequest, relyingParty, userinfoStatus } from '../support/oauth.js';
import { describeInBrowser, launchChromium, newUserContext } from './chromium.js';

/**
 * Developer apps, the consent page and Authorized apps in headless Chromium: register an
 * app, run the authorization-code flow through sign-in and consent (the relying party's
 * half with openid-client), then revoke it and watch its access token stop working.
 */
describeInBrowser('OAuth apps in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let alice: { username: string; password: string };
  // The app's callback: a real listener, since the browser reaches it through redirects.
  let callbackServer: http.Server;
  const app = { clientId: '', clientSecret: '', redirectUri: '' };
  let accessToken = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    alice = await server.createUser('alice');
    context = await newUserContext(browser, server.url);
    page = await context.newPage();
    callbackServer = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('callback reached'));
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    app.redirectUri = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    callbackServer?.close();
  });

  it('registers an app under Developer apps; its client secret is shown once', async () => {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Username').fill(alice.username);
    await page.getByLabel('Password').fill(alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/settings/tokens`);

    await page.getByRole('link', { name: 'Developer apps' }).click();
    await heading(page, 'Developer apps');
    await page.getByRole('link', { name: 'Register an app' }).click();
    await heading(page, 'Register a new OAuth app');
    await page.getByLabel('Application name').fill('Photo Printer');
    await page.getByLabel('Homepage URL').fill('https://printer.example/');
    await page.getByLabel('Redirect URIs', { exact: true }).fill(app.redirectUri);
    await page.getByLabel('Confidential').check();
    await page.getByRole('button', { name: 'Register app' }).click();

    await heading(page, 'Your new app');
    app.clientId = await page.getByRole('textbox', { name: 'Client ID' }).inputValue();
    app.clientSecret = await page.getByRole('textbox', { name: 'Client secret' }).inputValue();
    expect(app.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(app.clientSecret.length).toBeGreaterThan(20);
    await page.reload();
    await page.waitForURL(`${server.url}/settings/applications`);
    expect(await page.content()).not.toContain(app.clientSecret);
    expect(await page.getByRole('rowheader', { name: 'Photo Printer' }).isVisible()).toBe(true);
  });

  it('completes the authorization-code flow through the sign-in and consent pages', async () => {
    // prompt=login: this browser is signed in to Tessera's pages, which would otherwise skip the password.
    const rp = await relyingParty(server.url, { client_id: app.clientId, client_secret: app.clientSecret });
    const flow = await authorizationRequest(rp, { scope: 'openid user', prompt: 'login consent', redirect_uri: app.redirectUri });
    await page.goto(flow.url.href);
    await heading(page, 'Sign in');
    expect(await page.getByText('Sign in to continue to Photo Printer').isVisible()).toBe(true);
    await page.getByLabel('Username').fill(alice.username);
    await page.getByLabel('Password').fill(alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await heading(page, 'Authorize Photo Printer');
    const scopes = page.locator('.scope-list li');
    expect(await scopes.count()).toBe(2);
    expect(await scopes.nth(1).textContent()).toContain(server.container.scopes.get('user')!.description.en);
    const callback = page.waitForURL(`${app.redirectUri}**`);
    await page.getByRole('button', { name: 'Authorize' }).click();
    await callback;

    // The relying party's half: the state checked, the code exchanged with its PKCE verifier.
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state });
    accessToken = tokens.access_token;
    expect(await userinfoStatus(server.url, accessToken)).toBe(200);
  });

  it('revokes the app under Authorized apps: its access token stops working at once', async () => {
    await page.goto(`${server.url}/settings/tokens`);
    await page.getByRole('link', { name: 'Authorized apps' }).click();
    await heading(page, 'Authorized apps');
    const row = page.getByRole('row').filter({ hasText: 'Photo Printer' });
    expect(await row.textContent()).toContain('user');
    await row.getByRole('link', { name: 'Revoke Photo Printer' }).click();
    await heading(page, 'Revoke access of “Photo Printer”?');
    await page.getByRole('button', { name: 'Revoke access' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Access of “Photo Printer” revoked.');
    expect(await page.getByText('You have not authorized any apps.').isVisible()).toBe(true);
    expect(await userinfoStatus(server.url, accessToken)).toBe(401);
  });
});

async function heading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}
