/**
 * The console's Problems page in real Chromium, on the real service (startHarness: ingest, console,
 * workers, Temporal dev server) with fake Chatwoot and Krayin: a contact parked by a Krayin 422 shows
 * with its reason in plain words; pausing holds a change and "Deliver now" after resuming delivers it;
 * once the fault is gone, "Retry" makes the parked contact up to date and the page says so.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';
import { docScreenshot, laptopPage, launchChromium, signIn } from './helpers/browser';

function person(id: number): ContactInput {
  return {
    id,
    name: `Problem Person ${id}`,
    email: `problem.${id}@example.com`,
    phone_number: '',
    additional_attributes: {},
    custom_attributes: {},
  };
}

describe('console: Problems page', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    h = await startHarness({ sync: { leadPolicy: 'never' }, temporalUiUrl: 'http://temporal-ui.test:8080/' });
    browser = await launchChromium();
    page = await laptopPage(browser);
    await signIn(page, h.ingestUrl, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows a contact parked by a Krayin 422 with its reason, and nothing when all is well', async () => {
    await page.goto(`${h.ingestUrl}/console/operations`);
    await page.getByText('No contact of this connection needs attention.').waitFor();
    expect(await page.getByRole('link', { name: 'Problems' }).getAttribute('aria-current')).toBe('page');

    // Krayin refuses every new person (422) until the fault is removed.
    h.krayin.addFaults({ method: 'POST', path: '^/contacts/persons$', kind: 'status', status: 422 });
    await h.sendContact('contact_created', person(4301));
    await h.waitFor(4301, (s) => s.syncStatus === 'parked');

    await page.goto(`${h.ingestUrl}/console/operations`);
    await page.getByRole('heading', { name: 'Contacts that need attention (1)' }).waitFor();
    const row = page.locator('tr[data-contact="4301"]');
    await expect(row.getByRole('rowheader').innerText()).resolves.toBe('Contact 4301');
    const text = await row.innerText();
    expect(text).toContain('Need attention');
    expect(text).toContain('Krayin refused the data.');
    expect(text).toContain('Details: Krayin rejected POST /contacts/persons');
    expect(text).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    // For operators: the contact's sync in the Temporal UI (TEMPORAL_UI_URL).
    expect(await row.getByRole('link', { name: /Open in Temporal/ }).getAttribute('href')).toBe(
      'http://temporal-ui.test:8080/namespaces/default/workflows/contact%3Adefault%3A4301',
    );
    // No Temporal jargon on screen.
    expect(await page.locator('main').innerText()).not.toMatch(/workflow|signal|activity|task queue/i);
  });

  it('pauses, holds a change, resumes and delivers it with "Deliver now"', async () => {
    await page.getByRole('button', { name: 'Pause syncing' }).click();
    await page.getByRole('status').filter({ hasText: 'Syncing is paused.' }).waitFor();
    expect((await h.admin('GET', '/admin/status')).body.connections[0].enabled).toBe(false);

    const held = await h.sendContact('contact_created', person(4302));
    expect(held.status).toBeLessThan(300);
    expect(await h.store.heldEvents.count('default')).toEqual({ events: 1, contacts: 1 });
    await page.reload();
    await page.getByText('1 change(s) of 1 contact(s) arrived while the connection was paused').waitFor();
    expect(await page.getByRole('button', { name: 'Deliver now' }).count()).toBe(0);
    await docScreenshot(page, 'console-problems');

    h.krayin.clearFaults();
    await page.getByRole('button', { name: 'Resume syncing' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Syncing is on again. 1 change(s) arrived while paused' })
      .waitFor();
    await page.getByRole('button', { name: 'Deliver now' }).click();
    await page.getByRole('status').filter({ hasText: '1 waiting change(s) delivered' }).waitFor();
    expect(await h.store.heldEvents.count('default')).toEqual({ events: 0, contacts: 0 });
    await h.waitFor(4302, (s) => s.syncStatus === 'synced');
  });

  it('"Retry" makes the parked contact up to date once the fault is gone, and the page shows it', async () => {
    await page.goto(`${h.ingestUrl}/console/operations`);
    const before = h.krayin.snapshot().persons.length;
    await page.getByRole('button', { name: 'Retry contact 4301' }).click();
    await page.getByRole('status').filter({ hasText: 'Contact 4301 is being synced again.' }).waitFor();
    // The watch line polls until the contact is up to date.
    await page.locator('#watch').getByText('Contact 4301 is up to date').waitFor({ timeout: 30_000 });
    expect((await h.status(4301)).syncStatus).toBe('synced');
    expect(h.krayin.snapshot().persons.length).toBe(before + 1);
    await page.reload();
    await page.getByText('No contact of this connection needs attention.').waitFor();
  });

  it('"Retry all" resumes every parked contact; state changes need the CSRF token', async () => {
    h.krayin.addFaults({ method: 'POST', path: '^/contacts/persons$', kind: 'status', status: 422 });
    await h.sendContact('contact_created', person(4303));
    await h.sendContact('contact_created', person(4304));
    await h.waitFor(4303, (s) => s.syncStatus === 'parked');
    await h.waitFor(4304, (s) => s.syncStatus === 'parked');
    h.krayin.clearFaults();

    await page.goto(`${h.ingestUrl}/console/operations`);
    await page.getByRole('heading', { name: 'Contacts that need attention (2)' }).waitFor();
    await page.getByLabel('Which ones').selectOption({ label: 'Krayin refused the data' });
    await page.getByRole('button', { name: 'Retry all' }).click();
    await page.getByRole('status').filter({ hasText: '2 contact(s) are being synced again.' }).waitFor();
    await h.waitFor(4303, (s) => s.syncStatus === 'synced');
    await h.waitFor(4304, (s) => s.syncStatus === 'synced');

    // A forged post without the token is refused and changes nothing.
    const forged = await page.request.post(`${h.ingestUrl}/console/operations/pause`, {
      form: { connection: 'default' },
    });
    expect(forged.status()).toBe(403);
    expect((await h.admin('GET', '/admin/status')).body.connections[0].enabled).toBe(true);
  });
});
