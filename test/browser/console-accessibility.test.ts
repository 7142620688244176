/**
 * Accessibility of every console page, in headless Chromium, with data on the pages (a synced contact
 * and one the CRM refused): every form control and button has an accessible name, tables have header
 * cells, each page has one h1, a main landmark and a labelled navigation, the skip link is the first stop
 * of the keyboard and moves focus to the content, and every visible text has a contrast of at least
 * 4.5:1 against its background (3:1 for large text), as WCAG 2.1 AA asks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, startHarness, type Harness } from '../helpers/harness';
import { launchChromium, laptopPage, signIn } from './helpers/browser';

jest.setTimeout(240_000);

const PAGES = [
  '/console',
  '/console/connections',
  '/console/mapping',
  '/console/operations',
  '/console/runs',
  '/console/analytics',
];

const AUDIT_SCRIPT = path.join(__dirname, 'helpers/a11y-audit.js');

interface Finding {
  what: string;
  where: string;
}

/** Runs the audit through the DevTools protocol (a script tag would be refused by the console's own CSP). */
async function audit(page: Page): Promise<Finding[]> {
  return page.evaluate(`${readFileSync(AUDIT_SCRIPT, 'utf8')}\nwindow.__consoleAudit();`) as Promise<Finding[]>;
}

describe('console accessibility (headless Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    h = await startHarness();
    browser = await launchChromium();
    page = await laptopPage(browser);
    // Something on every page: a contact up to date and one the CRM refused.
    await h.sendContact('contact_created', { id: 8101, name: 'Ada Access', email: 'ada.access@example.com' });
    await h.waitFor(8101, (s) => s.syncCount >= 1 && s.status === 'idle', 60_000);
    h.krayin.addFaults({ kind: 'status', status: 422, method: 'POST', path: '^/contacts/persons$', times: 1 });
    await h.sendContact('contact_created', { id: 8102, name: 'Refused Rita', email: 'rita.refused@example.com' });
    await h.waitFor(8102, (s) => s.syncCount >= 1 && s.status === 'idle', 60_000);
    await signIn(page, h.ingestUrl, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it.each(PAGES)('%s: names, structure and contrast', async (path) => {
    await page.goto(`${h.ingestUrl}${path}`);
    await page.waitForLoadState('networkidle');
    expect(await audit(page)).toEqual([]);
  });

  it('the keyboard reaches the skip link first, and it moves focus to the content', async () => {
    await page.goto(`${h.ingestUrl}/console`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent.trim()')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
  });

  it('the sign-in page has a labelled token field and passes the same checks', async () => {
    const context = await browser.newContext();
    const fresh = await context.newPage();
    await fresh.goto(`${h.ingestUrl}/console/sign-in`);
    expect(await audit(fresh)).toEqual([]);
    await context.close();
  });
});
