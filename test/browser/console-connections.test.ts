/**
 * The console's connections page in headless Chromium against the real service (test/helpers/harness.ts):
 * add a second connection (its own fake Chatwoot and fake Krayin) through the form, check it and read
 * the report inline, pause and resume it, edit it; every HTML the server sent is searched for the
 * secrets of both connections (never there). Then sign out.
 */
import type { Browser, Page } from 'playwright-core';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import { ADMIN_TOKEN, CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { docScreenshot, laptopPage, launchChromium, signIn } from './helpers/browser';

const SECOND = 'second';
const SECOND_CHATWOOT_TOKEN = 'second-chatwoot-api-token-5f0c2e9a';
const REPLACED_KRAYIN_TOKEN = '1|not-the-right-secret-0000';
const SECOND_WEBHOOK_SECRET = 'second-webhook-secret-77d1b0c4e2';

let h: Harness;
let browser: Browser;
let krayin2: FakeKrayin;
let chatwoot2: FakeChatwoot;
let page: Page;
/** Every HTML body the console sent (pages and htmx fragments), to search for secrets. */
const served: string[] = [];

beforeAll(async () => {
  [h, browser, krayin2, chatwoot2] = await Promise.all([
    startHarness(),
    launchChromium(),
    startFakeKrayin({ rateLimit: 0 }),
    startFakeChatwoot({ accountId: 7, apiToken: SECOND_CHATWOOT_TOKEN }),
  ]);
  page = await laptopPage(browser);
  page.setDefaultTimeout(15_000);
  page.on('response', (res) => {
    if (!res.url().includes('/console') || !(res.headers()['content-type'] ?? '').includes('text/html')) return;
    served.push(''); // keeps the order; filled below
    const i = served.length - 1;
    void res.text().then(
      (t) => (served[i] = t),
      () => undefined,
    );
  });
  await signIn(page, h.ingestUrl, ADMIN_TOKEN);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([h?.close(), krayin2?.close(), chatwoot2?.close()]);
});

/** Waits for the redirect after a save; a refused save fails with what the page said. */
async function submit(button: string, url: RegExp): Promise<void> {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.getByRole('button', { name: button }).click();
  await posted;
  await page.waitForLoadState('load');
  if (!url.test(page.url())) {
    const alert = page.locator('[role="alert"]');
    const said = (await alert.count()) ? await alert.innerText() : await page.locator('main').innerText();
    const fields = await page.locator('.field-error').allInnerTexts();
    throw new Error(`expected ${url}, at ${page.url()}: ${said} ${fields.join(' | ')}`);
  }
}

const card = (id: string) => page.locator(`[data-connection="${id}"]`);
const statusOf = async (id: string) => (await card(id).locator('.conn-status').textContent())?.trim();

test('the list shows the configured connection with where its values come from, and checks it inline', async () => {
  await page.getByRole('link', { name: 'Connections', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
  expect(await statusOf(CONNECTION)).toBe('On');
  const facts = await card(CONNECTION).locator('.conn-facts').textContent();
  expect(facts).toContain(h.chatwoot.url);
  expect(facts).toContain(h.krayin.apiBase);

  // By keyboard: focus the button, press Enter.
  await card(CONNECTION)
    .getByRole('button', { name: `Check ${CONNECTION}` })
    .focus();
  await page.keyboard.press('Enter');
  const report = card(CONNECTION).locator('.check-report');
  await report.waitFor();
  // Inline: still the list page, the report swapped into the card.
  expect(page.url()).toBe(`${h.ingestUrl}/console/connections`);
  expect(await report.getAttribute('data-ready')).toBe('yes');
  expect(await report.locator('h3').textContent()).toMatch(/ready/);
  expect(await report.locator('th').allTextContents()).toEqual(['Result', 'What', 'Details']);
  expect(await report.textContent()).toContain('Krayin API');
});

test('adding a connection shows errors next to their fields, then adds it', async () => {
  await page.getByRole('link', { name: 'Add a connection' }).click();
  await page.getByRole('heading', { level: 1, name: 'Add a connection' }).waitFor();
  await page.getByLabel('Connection name (required)').fill(SECOND);
  await page.getByLabel('Chatwoot address (required)').fill(chatwoot2.url);
  await page.getByLabel('Chatwoot account number (required)').fill(String(chatwoot2.accountId));
  await page.getByLabel('Chatwoot access token (required)').fill(chatwoot2.apiToken);
  await page.getByLabel('Krayin API address (required)').fill(krayin2.apiBase);
  await page.getByLabel('Krayin API token (required)').fill('not-a-krayin-token');
  await page.getByRole('button', { name: 'Add the connection' }).click();

  // Refused: the message sits next to the Krayin token field, nothing was added.
  await page.locator('[role="alert"]').waitFor();
  const tokenError = page.locator('#f-krayin-token-error');
  expect(await tokenError.textContent()).toContain('<id>|<secret>');
  expect(await page.getByLabel('Krayin API token (required)').getAttribute('aria-invalid')).toBe('true');
  // What was typed stays (secrets excepted: they are typed again).
  expect(await page.getByLabel('Chatwoot address (required)').inputValue()).toBe(chatwoot2.url);
  expect(await page.getByLabel('Chatwoot access token (required)').inputValue()).toBe('');
  expect((await page.request.get(`${h.ingestUrl}/console/connections/${SECOND}/edit`)).status()).toBe(404);

  await page.getByLabel('Chatwoot access token (required)').fill(chatwoot2.apiToken);
  await page.getByLabel('Krayin API token (required)').fill(krayin2.token);
  // The service refuses unsigned webhooks: the first attempt said so next to the webhook secret.
  expect(await page.locator('#f-chatwoot-webhookSecret-error').textContent()).toContain('webhook secret');
  await page.getByLabel('Webhook secret').fill(SECOND_WEBHOOK_SECRET);
  await page.getByLabel('Lead title').fill('{{name}} from the second account');
  await submit('Add the connection', /\/console\/connections\?done=added/);
  expect(await page.locator('.flash').textContent()).toContain(`Connection ${SECOND} added`);
  expect(await statusOf(SECOND)).toBe('On');
  const facts = await card(SECOND).locator('.conn-facts').textContent();
  expect(facts).toContain(krayin2.apiBase);
  expect(facts).toContain('from the console');
  expect(facts).toContain('in the console');
  await docScreenshot(page, 'console-connections');
});

test('the added connection is checked against its own Chatwoot and Krayin, with the report inline', async () => {
  krayin2.clearRequests();
  await card(SECOND)
    .getByRole('button', { name: `Check ${SECOND}` })
    .click();
  const report = card(SECOND).locator('.check-report');
  await report.waitFor();
  expect(await report.getAttribute('data-ready')).toBe('yes');
  const text = await report.textContent();
  expect(text).toContain(`reachable at ${krayin2.apiBase}`);
  expect(text).toContain(`account ${chatwoot2.accountId}`);
  // The second Krayin was asked, with the second token.
  expect(krayin2.requests().length).toBeGreaterThan(0);
  await report.scrollIntoViewIfNeeded();
  await docScreenshot(page, 'console-connection-check');
});

test('pause and resume', async () => {
  await card(SECOND)
    .getByRole('button', { name: `Pause ${SECOND}` })
    .click();
  await page.waitForURL(/done=paused/);
  expect(await statusOf(SECOND)).toBe('Paused');
  expect(await statusOf(CONNECTION)).toBe('On');
  expect(await page.locator('.flash').textContent()).toContain(`${SECOND} is paused`);

  await card(SECOND)
    .getByRole('button', { name: `Resume ${SECOND}` })
    .click();
  await page.waitForURL(/done=resumed/);
  expect(await statusOf(SECOND)).toBe('On');
});

test('editing shows each value’s layer and whether secrets are set, and saves only what changed', async () => {
  await card(SECOND)
    .getByRole('link', { name: `Edit ${SECOND}` })
    .click();
  await page.getByRole('heading', { level: 1, name: `Edit ${SECOND}` }).waitFor();
  expect(await page.getByLabel('Krayin API token').inputValue()).toBe('');
  expect(await page.getByLabel('Krayin API token').getAttribute('type')).toBe('password');
  expect(await page.locator('#f-krayin-token-hint .secret-state').textContent()).toBe('set');
  expect(await page.locator('#f-chatwoot-webhookSecret-hint .secret-state').textContent()).toBe('set');
  expect(await page.locator('#f-chatwoot-webhookToken-hint .secret-state').textContent()).toBe('not set');
  expect(await page.locator('#f-sync-lead-titleTemplate-hint').textContent()).toContain('from the console');
  expect(await page.getByLabel('Lead title').inputValue()).toBe('{{name}} from the second account');
  await docScreenshot(page, 'console-connection-edit');

  await page.getByLabel('Sales owner').fill('sales@example.com');
  await submit('Save changes', /done=saved/);
  await card(SECOND)
    .getByRole('link', { name: `Edit ${SECOND}` })
    .click();
  expect(await page.getByLabel('Sales owner').inputValue()).toBe('sales@example.com');
  expect(await page.locator('#f-sync-lead-owner-hint').textContent()).toContain('from the console');
  // The secret that was not retyped is still set.
  expect(await page.locator('#f-krayin-token-hint .secret-state').textContent()).toBe('set');

  // The configured connection: its values are not the console's, and it cannot be deleted here.
  await page.goto(`${h.ingestUrl}/console/connections/${CONNECTION}/edit`);
  expect(await page.locator('#f-chatwoot-url-hint .layer').textContent()).toMatch(
    /^from the (config file|environment)$/,
  );
  expect(await page.locator('#f-chatwoot-apiToken-hint .secret-state').textContent()).toBe('set');
  // A console value over the configured one: only the changed field becomes the console's...
  await page.getByLabel('Lead title').fill('{{name}} via the console');
  await submit('Save changes', /done=saved/);
  await page.goto(`${h.ingestUrl}/console/connections/${CONNECTION}/edit`);
  expect(await page.getByLabel('Lead title').inputValue()).toBe('{{name}} via the console');
  expect(await page.locator('#f-sync-lead-titleTemplate-hint .layer').textContent()).toBe('from the console');
  expect(await page.locator('#f-chatwoot-url-hint .layer').textContent()).toMatch(
    /^from the (config file|environment)$/,
  );
  expect(await page.locator('#f-krayin-url-hint .layer').textContent()).toMatch(/^from the (config file|environment)$/);
  // ...and emptying it goes back to the configured value.
  await page.getByLabel('Lead title').fill('');
  await submit('Save changes', /done=saved/);
  await page.goto(`${h.ingestUrl}/console/connections/${CONNECTION}/edit`);
  expect(await page.getByLabel('Lead title').inputValue()).toBe('{{name}} (Chatwoot)');
  expect(await page.locator('#f-sync-lead-titleTemplate-hint .layer').textContent()).not.toBe('from the console');
  await page.goto(`${h.ingestUrl}/console/connections`);
  expect(
    await card(CONNECTION)
      .getByRole('link', { name: `Delete ${CONNECTION}` })
      .count(),
  ).toBe(0);
});

test('a replaced secret is in force at once: the check then reports the refused token', async () => {
  await page.goto(`${h.ingestUrl}/console/connections/${SECOND}/edit`);
  await page.getByLabel('Krayin API token').fill(REPLACED_KRAYIN_TOKEN);
  await submit('Save changes', /done=saved/);
  await card(SECOND)
    .getByRole('button', { name: `Check ${SECOND}` })
    .click();
  const report = card(SECOND).locator('.check-report');
  await report.waitFor();
  expect(await report.getAttribute('data-ready')).toBe('no');
  expect(await report.locator('h3').textContent()).toContain('not ready');
  const problem = report.locator('tr', { hasText: 'Krayin API' });
  expect(await problem.locator('td').first().textContent()).toBe('Problem');
  expect(await problem.textContent()).toContain('refused the token');
});

test('a console-added connection can be deleted (after a confirmation)', async () => {
  await card(SECOND)
    .getByRole('link', { name: `Delete ${SECOND}` })
    .click();
  await page.getByRole('heading', { level: 1, name: `Delete ${SECOND}` }).waitFor();
  await page.getByRole('button', { name: `Delete ${SECOND}` }).click();
  await page.waitForURL(/done=deleted/);
  expect(await card(SECOND).count()).toBe(0);
  expect(await card(CONNECTION).count()).toBe(1);
  expect((await page.request.get(`${h.ingestUrl}/console/connections/${SECOND}/edit`)).status()).toBe(404);
});

test('secrets of both connections never reach the browser; sign-out ends the session', async () => {
  await page.waitForTimeout(200); // the last response bodies are read asynchronously
  const all = served.join('\n');
  expect(served.length).toBeGreaterThan(8);
  expect(all).toContain('Check of'); // the reports are in what was searched
  for (const secret of [
    krayin2.token,
    krayin2.token.split('|')[1]!,
    SECOND_CHATWOOT_TOKEN,
    SECOND_WEBHOOK_SECRET,
    REPLACED_KRAYIN_TOKEN,
    h.krayin.token.split('|')[1]!,
    h.chatwoot.apiToken,
    WEBHOOK_SECRET,
    ADMIN_TOKEN,
  ]) {
    expect(all).not.toContain(secret);
  }

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/signed_out=1/);
  await page.goto(`${h.ingestUrl}/console/connections`);
  await page.waitForURL(/\/console\/sign-in/);
});
