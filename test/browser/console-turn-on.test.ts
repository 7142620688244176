/**
 * A connection switched off in the configuration (`enabled: false`) is turned on from the Connections
 * page, in Chromium: its card says "Off in the configuration" and offers "Turn on" (not pause/resume);
 * turning it on stores a console value over the configuration, the card says "On", the edit page names the
 * console as the layer, and a webhook then syncs the contact into Krayin without a restart.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, CONNECTION, startHarness, type Harness } from '../helpers/harness';
import { laptopPage, launchChromium, signIn } from './helpers/browser';

jest.setTimeout(240_000);

describe('console: turning on a connection that is off in the configuration', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    h = await startHarness({ connectionEnabled: false });
    browser = await launchChromium();
    page = await laptopPage(browser);
    await signIn(page, h.ingestUrl, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('offers "Turn on", stores it as a console value, and the connection syncs again', async () => {
    await page.goto(`${h.ingestUrl}/console/connections`);
    const card = page.locator(`section[data-connection="${CONNECTION}"]`);
    await expect(card.locator('.conn-status').innerText()).resolves.toBe('Off in the configuration');
    expect(await card.getByRole('button', { name: `Pause ${CONNECTION}` }).count()).toBe(0);

    await card.getByRole('button', { name: `Turn on ${CONNECTION}` }).click();
    await page.waitForURL(/done=turned-on/);
    await expect(page.locator('.flash').innerText()).resolves.toContain(`${CONNECTION} is on`);
    await expect(card.locator('.conn-status').innerText()).resolves.toBe('On');
    const stored = (await h.store.connectionSettings.snapshot()).settings;
    expect(stored.find((r) => r.connectionId === CONNECTION && r.path === 'enabled')).toMatchObject({
      value: true,
      updatedBy: 'console',
    });

    await h.sendContact('contact_created', { id: 8201, name: 'Turned On', email: 'turned.on@example.com' });
    await h.waitFor(8201, (s) => s.syncStatus === 'synced', 60_000);
    expect(h.krayin.snapshot().persons.some((p) => p.name === 'Turned On')).toBe(true);
  });
});
