/**
 * Headless Chromium (Debian's, at /usr/bin/chromium; `.ci/run` installs it) driven by playwright-core,
 * for the console and dashboard-app tests. Without Chromium the tests fail: they never skip.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the console screenshots of docs/console.md live. */
export const CONSOLE_IMAGES = path.resolve(__dirname, '../../../docs/images/console');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: run scripts/ensure-chromium.sh (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    // The machine's network is closed: background networking would only produce refused connections.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}

/** A laptop-sized page (1366x768), the size the console is designed for. */
export async function laptopPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  return context.newPage();
}

/** Signs in to the console with the admin token, as a user does; resolves on the overview page. */
export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/console/sign-in`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/console`);
}

/**
 * Saves a screenshot for the docs when it is missing (UPDATE_SCREENSHOTS=1 overwrites the committed
 * ones), so a test run does not dirty the tree with pixel noise.
 */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(CONSOLE_IMAGES, { recursive: true });
  const file = path.join(CONSOLE_IMAGES, name.endsWith('.png') ? name : `${name}.png`);
  if (existsSync(file) && process.env.UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: file, fullPage: true });
}
