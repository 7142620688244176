/**
 * The console's field mapping page in real Chromium, on the real service (startHarness: ingest,
 * console, workers) over the fake Chatwoot and the fake Krayin: a row maps a custom Krayin attribute
 * from a Chatwoot custom attribute; a bad row shows its error next to it and nothing is saved; the
 * preview finds a seeded contact by search and shows the mapped value in the person payload without
 * writing anything to Krayin; saving makes the setting "from the console"; a stage rule is saved.
 * Writes docs/images/console/console-mapping*.png and console-stage-rules.png (docs/console.md).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { request } from 'undici';
import { ADMIN_TOKEN, CONNECTION, startHarness, type Harness } from '../helpers/harness';
import { CONSOLE_IMAGES, docScreenshot, laptopPage, launchChromium, signIn } from './helpers/browser';

jest.setTimeout(120_000);

/** docScreenshot's rule (missing, or UPDATE_SCREENSHOTS=1) for a part of the page. */
async function partScreenshot(part: Locator, name: string): Promise<void> {
  mkdirSync(CONSOLE_IMAGES, { recursive: true });
  const file = path.join(CONSOLE_IMAGES, `${name}.png`);
  if (existsSync(file) && process.env.UPDATE_SCREENSHOTS !== '1') return;
  await part.screenshot({ path: file });
}

async function defineChatwootAttribute(h: Harness, key: string, name: string, type: string): Promise<void> {
  const res = await request(`${h.chatwoot.url}/api/v1/accounts/${h.chatwoot.accountId}/custom_attribute_definitions`, {
    method: 'POST',
    headers: { api_access_token: h.chatwoot.apiToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      attribute_key: key,
      attribute_display_name: name,
      attribute_display_type: type,
      attribute_model: 'contact_attribute',
    }),
  });
  expect(res.statusCode).toBe(200);
  await res.body.text();
}

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

describe('console: field mapping and stage rules (headless Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    h = await startHarness();
    h.krayin.addAttribute({ entity_type: 'persons', code: 'cw_plan', name: 'Customer plan', type: 'text' });
    h.krayin.addAttribute({ entity_type: 'persons', code: 'cw_renewal', name: 'Renewal date', type: 'date' });
    await defineChatwootAttribute(h, 'plan', 'Plan', 'list');
    await defineChatwootAttribute(h, 'vip', 'VIP', 'checkbox');
    h.chatwoot.upsertContact({
      id: 7301,
      name: 'Mara Mapping',
      email: 'mara.mapping@example.com',
      phone_number: '+4915112345678',
      additional_attributes: { company_name: 'Mapping GmbH' },
      custom_attributes: { plan: 'Gold', vip: true },
    });
    h.chatwoot.upsertContact({ id: 7302, name: 'Other Person', email: 'other@example.com' });
    browser = await launchChromium();
    page = await laptopPage(browser);
    await signIn(page, h.ingestUrl, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows a bad row its error and saves nothing; previews a searched contact without writing to Krayin', async () => {
    await page.goto(`${h.ingestUrl}/console/mapping`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Field mapping');
    // Krayin's fields, custom ones included, with their types; Chatwoot's beside them.
    const krayinFields = page.locator('details', { hasText: 'Krayin fields' });
    await expect(krayinFields.locator('tr', { hasText: 'cw_renewal' }).textContent()).resolves.toMatch(/date\s*yes/);
    const chatwootFields = page.locator('details', { hasText: 'Chatwoot contact fields' });
    await expect(chatwootFields.locator('tr', { hasText: 'custom_attributes.vip' }).count()).resolves.toBe(1);

    // A bad row: a Krayin date field from a Chatwoot yes/no attribute.
    await page.getByLabel('Krayin field, row 1').selectOption('person.cw_renewal');
    await page.getByLabel('Chatwoot field, row 1').fill('custom_attributes.vip');
    await page.getByRole('button', { name: 'Save the field mapping' }).click();
    await page.waitForLoadState();
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('Nothing was saved');
    const bad = page.locator('#field-check-1');
    await expect(bad.textContent()).resolves.toContain(
      `Krayin's "Renewal date" is a date field; the Chatwoot field holds a yes/no value.`,
    );
    await expect(page.getByLabel('Chatwoot field, row 1').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('.setting-layer').first().textContent()).resolves.not.toContain('from the console');
    const stored = await h.dumpStore();
    expect(stored).not.toContain('cw_renewal');

    // Replace it with a good row, and add another row.
    await page.getByRole('button', { name: 'Remove row 1' }).click();
    await page.waitForLoadState();
    await page.getByLabel('Krayin field, row 1').selectOption('person.cw_plan');
    await page.getByLabel('Chatwoot field, row 1').fill('custom_attributes.plan');
    await page.getByRole('button', { name: 'Add a row' }).click();
    await page.waitForLoadState();
    await expect(page.getByLabel('Krayin field, row 2').inputValue()).resolves.toBe('');
    await expect(page.getByLabel('Krayin field, row 1').inputValue()).resolves.toBe('person.cw_plan');

    // Preview by search: one contact matches "Mara", so it is previewed at once.
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();
    await page.getByLabel('Chatwoot contact: id, name, email or phone').fill('Mara');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.waitForLoadState();
    const preview = page.locator('#preview');
    await expect(preview.locator('h3').textContent()).resolves.toContain('Preview for contact #7301');
    const person = JSON.parse((await preview.locator('pre[data-payload="person"]').textContent()) ?? '{}');
    expect(person).toMatchObject({
      cw_plan: 'Gold',
      name: 'Mara Mapping',
      emails: [{ value: 'mara.mapping@example.com', label: 'work' }],
    });
    const values = preview.locator('table.row-values tr', { hasText: 'cw_plan' });
    await expect(values.locator('td').allTextContents()).resolves.toEqual([
      'Person: cw_plan',
      'custom_attributes.plan',
      'Gold',
      'Gold',
    ]);
    const organization = JSON.parse((await preview.locator('pre[data-payload="organization"]').textContent()) ?? '{}');
    expect(organization).toMatchObject({ name: 'Mapping GmbH' });
    const lead = JSON.parse((await preview.locator('pre[data-payload="lead"]').textContent()) ?? '{}');
    expect(lead).toMatchObject({ lead_pipeline_id: 1, lead_pipeline_stage_id: 1 });
    expect(h.chatwoot.requests().some((r) => r.path.endsWith('/contacts/search'))).toBe(true);
    expect(h.krayin.requests().filter((r) => WRITES.includes(r.method))).toEqual([]);
    expect(h.chatwoot.requests().filter((r) => WRITES.includes(r.method))).toEqual([]);
    expect(h.krayin.snapshot().persons.some((p) => p.name === 'Mara Mapping')).toBe(false);
    await partScreenshot(page.locator('.preview-box'), 'console-mapping-preview');

    // A search matching several contacts offers them; choosing one previews it.
    await page.getByLabel('Chatwoot contact: id, name, email or phone').fill('example.com');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.waitForLoadState();
    await page.getByRole('button', { name: 'Preview #7302' }).click();
    await page.waitForLoadState();
    await expect(page.locator('#preview h3').textContent()).resolves.toContain('Preview for contact #7302');
  });

  it('saves the field mapping: the setting is then "from the console"', async () => {
    await page.goto(`${h.ingestUrl}/console/mapping`);
    await page.getByLabel('Krayin field, row 1').selectOption('person.cw_plan');
    await page.getByLabel('Chatwoot field, row 1').fill('custom_attributes.plan');
    await page.getByRole('button', { name: 'Save the field mapping' }).click();
    await page.waitForURL(/saved=fields/);
    await expect(page.locator('.flash').textContent()).resolves.toContain('The field mapping is saved');
    await expect(page.locator('.setting-layer').first().textContent()).resolves.toContain('from the console');
    await expect(page.getByLabel('Krayin field, row 1').inputValue()).resolves.toBe('person.cw_plan');
    await expect(page.getByLabel('Chatwoot field, row 1').inputValue()).resolves.toBe('custom_attributes.plan');
    await docScreenshot(page, 'console-mapping');
  });

  // The workers' connection registry follows the settings catalog (src/settings): no restart.
  it('the next sync of a contact uses the saved mapping (without a restart)', async () => {
    await h.sendContact('contact_updated', {
      id: 7301,
      name: 'Mara Mapping',
      email: 'mara.mapping@example.com',
      phone_number: '+4915112345678',
      additional_attributes: { company_name: 'Mapping GmbH' },
      custom_attributes: { plan: 'Gold', vip: true },
    });
    await h.waitFor(7301, (s) => s.syncStatus === 'synced');
    const person = h.krayin.snapshot().persons.find((p) => p.name === 'Mara Mapping');
    expect(person?.custom_attributes).toEqual({ cw_plan: 'Gold' });
  });

  it('saves a stage rule picked from the pipeline stages', async () => {
    await page.goto(`${h.ingestUrl}/console/mapping?connection=${CONNECTION}`);
    const stages = page.locator('table.stages');
    await expect(stages.textContent()).resolves.toMatch(/New → Follow Up → Prospect → Negotiation → Won → Lost/);
    await page.getByLabel('When, rule 1').selectOption('label_added');
    await page.getByLabel('Label or priority, rule 1').fill('vip');
    await page.getByLabel('Stage, rule 1').selectOption({ label: 'Negotiation' });
    // A bad second rule first: a priority that does not exist.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    await page.waitForLoadState();
    await page.getByLabel('When, rule 2').selectOption('priority');
    await page.getByLabel('Label or priority, rule 2').fill('asap');
    await page.getByLabel('Stage, rule 2').selectOption({ label: 'Follow Up' });
    await page.getByRole('button', { name: 'Save the stage rules' }).click();
    await page.waitForLoadState();
    await expect(page.locator('#rule-check-2').textContent()).resolves.toContain(
      'The priority is low, medium, high or urgent.',
    );
    await page.getByLabel('Label or priority, rule 2').fill('urgent');
    await page.getByRole('button', { name: 'Save the stage rules' }).click();
    await page.waitForURL(/saved=rules/);
    await expect(page.locator('.flash').textContent()).resolves.toContain('The stage rules are saved');
    await expect(page.locator('.setting-layer').nth(1).textContent()).resolves.toContain('from the console');
    await expect(page.getByLabel('Stage, rule 1').inputValue()).resolves.toBe('negotiation');
    await expect(page.getByLabel('Label or priority, rule 2').inputValue()).resolves.toBe('urgent');
    await partScreenshot(page.locator('section[aria-labelledby="rules-h"]'), 'console-stage-rules');
  });
});
