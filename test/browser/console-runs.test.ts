/**
 * The console's "Imports and repairs" page in real Chromium, on the real service (startHarness) with
 * fake Chatwoot and Krayin: an import (backfill) of contacts seeded in the fake Chatwoot is started
 * from the page and its progress moves to done on the page without a reload (htmx polling); a second
 * import is cancelled from the page; a repair pass (reconciliation) starts and finishes, another is cancelled.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';
import { docScreenshot, laptopPage, launchChromium, signIn } from './helpers/browser';

function contact(id: number): ContactInput {
  return {
    id,
    name: `Ira Import ${id}`,
    email: `ira.${id}@example.com`,
    phone_number: '',
    additional_attributes: {},
    custom_attributes: {},
  };
}

describe('console: Imports and repairs page', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    h = await startHarness({ sync: { leadPolicy: 'never' } });
    browser = await launchChromium();
    page = await laptopPage(browser);
    await signIn(page, h.ingestUrl, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('starts an import of the contacts Chatwoot has and shows its progress live until done', async () => {
    for (let id = 7000; id < 7060; id++) h.chatwoot.upsertContact(contact(id));
    // Krayin answers slowly enough for the page to see the import in the middle.
    h.krayin.addFaults({ kind: 'latency', method: 'POST', delayMs: 150 });

    await page.goto(`${h.ingestUrl}/console/runs`);
    await page.getByText('No import or repair pass has run for this connection yet.').waitFor();
    expect(await page.getByRole('link', { name: 'Imports and repairs' }).getAttribute('aria-current')).toBe('page');
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('status').filter({ hasText: 'Import started.' }).waitFor();

    // From here on the page is not reloaded: the table refreshes itself every 2 s.
    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    const row = page.locator('#runs tr', { hasText: 'Import of existing contacts' });
    const seen: { state: string | null; done: number; total: number }[] = [];
    const deadline = Date.now() + 90_000;
    for (;;) {
      if ((await row.count()) === 1) {
        const progress = row.locator('[data-done]');
        const state = await row.getAttribute('data-state');
        if ((await progress.count()) === 1) {
          seen.push({
            state,
            done: Number(await progress.getAttribute('data-done')),
            total: Number(await progress.getAttribute('data-total')),
          });
        }
        if (state === 'done') break;
      }
      if (Date.now() > deadline) throw new Error(`the import did not finish: ${JSON.stringify(seen.slice(-3))}`);
      await page.waitForTimeout(250);
    }
    expect(navigations).toBe(0);
    expect(seen.some((s) => s.state === 'running' && s.done < 60)).toBe(true);
    expect(seen.at(-1)).toEqual({ state: 'done', done: 60, total: 60 });
    const text = await row.innerText();
    expect(text).toContain('Finished');
    expect(text).toContain('60 of 60 contacts (100%)');
    expect(text).toContain('60 created in Krayin');
    expect(h.krayin.snapshot().persons.filter((p) => /ira\.70\d\d@/.test(JSON.stringify(p.emails)))).toHaveLength(60);
    expect(await page.locator('main').innerText()).not.toMatch(/workflow|signal|activity|task queue/i);
    h.krayin.clearFaults();
  });

  it('starts a repair pass that finishes', async () => {
    await page.getByLabel(/Full: every contact/).check();
    await page.getByRole('button', { name: 'Start repair pass' }).click();
    await page.getByRole('status').filter({ hasText: 'Repair pass started.' }).waitFor();
    const row = page.locator('#runs tr', { hasText: 'Full repair pass' });
    await row.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
    expect(await row.innerText()).toContain('60 contact(s) checked, 0 sent to sync');
    await docScreenshot(page, 'console-runs');
  });

  it('cancels a running import from the page', async () => {
    for (let id = 7100; id < 7190; id++) h.chatwoot.upsertContact(contact(id));
    h.krayin.addFaults({ kind: 'latency', method: 'POST', delayMs: 400 });
    await page.goto(`${h.ingestUrl}/console/runs`);
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('status').filter({ hasText: 'Import started.' }).waitFor();
    const running = page.locator('#runs tr[data-state="running"]', { hasText: 'Import of existing contacts' });
    // By keyboard: the list waits with its refresh while the focus is on its "Cancel" button.
    const cancel = running.getByRole('button', { name: 'Cancel' });
    await cancel.waitFor({ timeout: 30_000 });
    await cancel.focus();
    await page.waitForTimeout(2_500);
    expect(await page.evaluate('document.activeElement.textContent.trim()')).toBe('Cancel');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Cancelling.' }).waitFor();
    const cancelled = page.locator('#runs tr[data-state="cancelled"]', { hasText: 'Import of existing contacts' });
    await cancelled.waitFor({ timeout: 60_000 });
    const done = Number(await cancelled.locator('[data-done]').getAttribute('data-done'));
    expect(done).toBeLessThan(150);
    expect(await cancelled.innerText()).toContain('Cancelled');
    h.krayin.clearFaults();
  });

  it('cancels a running repair pass from the page', async () => {
    // Chatwoot answers its list pages slowly: the pass is caught on its first page.
    h.chatwoot.addFaults({ method: 'GET', path: /\/contacts$/, latencyMs: 4_000 });
    await page.goto(`${h.ingestUrl}/console/runs`);
    await page.getByRole('button', { name: 'Start repair pass' }).click();
    await page.getByRole('status').filter({ hasText: 'Repair pass started.' }).waitFor();
    const running = page.locator('#runs tr[data-state="running"]', { hasText: 'Quick repair pass' });
    await running.getByRole('button', { name: 'Cancel' }).click({ timeout: 30_000 });
    await page.getByRole('status').filter({ hasText: 'Cancelling.' }).waitFor();
    await page
      .locator('#runs tr[data-state="cancelled"]', { hasText: 'Quick repair pass' })
      .waitFor({ timeout: 30_000 });
    h.chatwoot.clearFaults();
  });
});
