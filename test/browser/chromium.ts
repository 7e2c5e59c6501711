import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`; `.ci/browser-deps` does it in CI). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumPresent = fs.existsSync(CHROMIUM_PATH);
const inCi = Boolean(process.env.CI);

/**
 * `describe` when the browser can run; `describe.skip` with a clear message only when chromium
 * is missing on a developer machine. In CI a missing chromium is a failure, never a skip.
 */
export function describeInBrowser(name: string, suite: () => void): void {
  if (!chromiumPresent && !inCi) {
    process.stderr.write(`\nSKIPPED browser suite "${name}": ${CHROMIUM_PATH} not found. Install it with: apt-get install -y chromium\n`);
    describe.skip(name, suite);
    return;
  }
  describe(name, suite);
}

/** Headless chromium with the flags this machine needs (no sandbox as root, no network chatter). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh profile per test user, allowed to use the clipboard (for the copy button). */
export async function newUserContext(browser: Browser, base: string, locale = 'en-US'): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  context.setDefaultTimeout(10_000);
  return context;
}
