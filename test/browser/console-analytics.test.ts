/**
 * The analytics page in real Chromium against the real service (harness: fake Chatwoot and Krayin):
 * after a scripted sync (contacts, a conversation, one contact parked by a Krayin 422) the page's tables
 * show exactly what the store holds (queried here), the charts are drawn from the same figures, the lead
 * stages are read from Krayin within a bounded number of calls, and no Temporal word is on screen.
 */
import type { Browser, Page } from 'playwright-core';
import { todayIn, addDays } from '../../src/analytics/period';
import { seedFixtureScenario } from '../fakes/chatwoot/seed';
import { ADMIN_TOKEN, startHarness, type Harness } from '../helpers/harness';
import { loadFixture, type ContactInput } from '../helpers/webhooks';
import { docScreenshot, laptopPage, launchChromium, signIn } from './helpers/browser';

jest.setTimeout(240_000);

function person(id: number): ContactInput {
  return {
    id,
    name: `Analytics Person ${id}`,
    email: `analytics.${id}@example.com`,
    phone_number: `+49151888${id}`,
    additional_attributes: {},
    custom_attributes: {},
  };
}

async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`not reached: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A table's body rows as the cells' text (row header first). */
function tableRows(page: Page, id: string): Promise<string[][]> {
  // A string: evaluated in the page (the test's tsconfig has no DOM types).
  return page.evaluate(
    `Array.from(document.querySelectorAll('#${id} tbody tr')).map((r) => Array.from(r.children).map((c) => (c.textContent || '').trim()))`,
  );
}

describe('console analytics page', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    h = await startHarness({ sync: { leadPolicy: 'contact_created' } });
    browser = await launchChromium();
    page = await laptopPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows the store figures of a scripted sync, as tables and charts, in plain words', async () => {
    // A contact with a conversation (person, lead and a conversation note in Krayin).
    seedFixtureScenario(h.chatwoot);
    expect((await h.post(loadFixture('conversation_created.json'))).status).toBe(202);
    // Three more contacts, and one Krayin refuses (422): it needs attention.
    for (const id of [6001, 6002, 6003]) await h.sendContact('contact_created', person(id));
    for (const id of [1042, 6001, 6002, 6003]) await h.waitFor(id, (s) => s.syncStatus === 'synced');
    h.krayin.addFaults({ method: 'POST', path: '^/leads$', kind: 'status', status: 422, times: 1 });
    await h.sendContact('contact_created', person(6004));
    await h.waitFor(6004, (s) => s.syncStatus === 'parked');

    const today = todayIn('UTC', new Date());
    const period = { connectionId: 'default', from: addDays(today, -6), to: addDays(today, 1), timeZone: 'UTC' };
    // The conversation's row lands after its contact's outcome: wait for every expected row.
    await until(async () => {
      const days = await h.store.analytics.daily(period);
      const sum = (k: 'synced' | 'parked' | 'conversations') => days.reduce((n, d) => n + d[k], 0);
      return sum('synced') >= 4 && sum('parked') === 1 && sum('conversations') >= 1;
    }, 'the sync steps recorded in sync_events');

    const [daily, reasons, summary] = await Promise.all([
      h.store.analytics.daily(period),
      h.store.analytics.reasons(period),
      h.store.analytics.summary(period),
    ]);
    const day = daily.find((d) => d.day === today)!;
    expect(day).toMatchObject({ parked: 1, leadsCreated: 4 });
    expect(day.personsCreated).toBeGreaterThanOrEqual(4);
    expect(day.activitiesCreated).toBeGreaterThanOrEqual(1);
    expect(summary.krayinCalls).toBeGreaterThan(0);
    // Every webhook-driven write was timed.
    expect(summary.latencyMs.count).toBeGreaterThanOrEqual(4);

    await signIn(page, h.ingestUrl, ADMIN_TOKEN);
    await page.goto(`${h.ingestUrl}/console/analytics?connection=default&range=7&tz=UTC`);
    await page.locator('#conversion tbody tr').first().waitFor();

    // Records per day: the page's row for today and its total equal the store's.
    const records = await tableRows(page, 'daily-records');
    expect(records).toHaveLength(8); // seven days and the total
    const recordsRow = (d: typeof day) => [
      String(d.personsCreated),
      String(d.personsUpdated),
      String(d.leadsCreated),
      String(d.leadsUpdated),
      String(d.activitiesCreated),
      String(d.activitiesUpdated),
    ];
    expect(records.find((r) => r[0] === today)!.slice(1)).toEqual(recordsRow(day));
    expect(records[7]![0]).toBe('Total');
    expect(records[7]!.slice(1)).toEqual(recordsRow(day));

    const results = await tableRows(page, 'daily-results');
    expect(results.find((r) => r[0] === today)!.slice(1)).toEqual(
      [day.synced, day.skipped, day.parked, day.failed, day.gone, day.conversations, day.krayinCalls].map(String),
    );
    // The other days are there with zeros.
    expect(results.find((r) => r[0] === addDays(today, -3))!.slice(1)).toEqual(['0', '0', '0', '0', '0', '0', '0']);

    // Why: the parked contact, in plain words, with its share of the results.
    expect(reasons).toEqual([{ status: 'parked', reasonKind: 'validation', count: 1 }]);
    const reasonRows = await tableRows(page, 'reasons');
    expect(reasonRows).toEqual([
      ['Krayin refused the data', 'Needed attention', '1', `${Math.round((1 / summary.outcomes) * 1000) / 10}%`],
    ]);

    // Krayin calls and speed.
    const use = Object.fromEntries((await tableRows(page, 'krayin-use')).map((r) => [r[0], r[1]]));
    expect(use['Krayin calls in the period']).toBe(String(summary.krayinCalls));
    expect(use['Syncs and conversation updates counted']).toBe(String(summary.steps));
    expect(use['Krayin calls in the busiest minute']).toBe(String(summary.peakMinuteCalls));
    expect(use['Krayin limit per minute for this connection']).toBe(
      String(h.config.connections[0]!.krayin.requestsPerMinute),
    );
    expect(use['Changes timed from Chatwoot to Krayin']).toBe(String(summary.latencyMs.count));
    expect(use['From Chatwoot change to Krayin, median']).toMatch(/^\d+(\.\d)? (ms|s|min)$/);

    // Where the synced leads are now: the stages read from Krayin add up to the linked leads.
    const linked = await h.store.analytics.linkedLeads('default', 1000);
    const conversion = await tableRows(page, 'conversion');
    expect(conversion.reduce((n, r) => n + Number(r[1]), 0)).toBe(linked.total);
    const stageNames = new Set(h.krayin.snapshot().leads.map((l) => l.stage_code));
    expect(stageNames.size).toBeGreaterThan(0);
    const cost = await page.locator('#conversion-cost').innerText();
    const calls = Number(/This cost (\d+) Krayin call/.exec(cost)?.[1]);
    // One read per linked lead (at most 50), plus the pipelines unless already known.
    expect(calls).toBeGreaterThanOrEqual(linked.total);
    expect(calls).toBeLessThanOrEqual(linked.total + 1);

    // A second visit within 15 minutes reads nothing from Krayin.
    h.krayin.clearRequests();
    await page.reload();
    await page.locator('#conversion tbody tr').first().waitFor();
    expect(h.krayinCalls().filter((c) => c.path.startsWith('/leads/'))).toEqual([]);

    // Charts drawn from the same figures (Chart.js instances on every canvas).
    const charts: { id: string; sum: number | null }[] = await page.evaluate(
      `Array.from(document.querySelectorAll('canvas[data-chart]')).map((c) => {
        const chart = Chart.getChart(c);
        return {
          id: c.getAttribute('data-chart'),
          sum: chart ? chart.data.datasets.flatMap((d) => d.data).reduce((a, b) => a + b, 0) : null,
        };
      })`,
    );
    expect(charts.map((c) => c.id).sort()).toEqual([
      'chart-conversion',
      'chart-reasons',
      'chart-records',
      'chart-results',
    ]);
    expect(charts.find((c) => c.id === 'chart-results')!.sum).toBe(
      day.synced + day.skipped + day.parked + day.failed + day.gone,
    );
    expect(charts.find((c) => c.id === 'chart-conversion')!.sum).toBe(linked.total);

    // Plain words only; every input labelled.
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/workflow|signal|activit|task queue/i);
    for (const id of ['connection', 'range', 'from', 'to', 'tz'])
      expect(await page.locator(`label[for="${id}"]`).count()).toBe(1);

    await docScreenshot(page, 'console-analytics');
  });

  it('takes chosen dates and a time zone, and says so when they are not usable', async () => {
    const today = todayIn('America/New_York', new Date());
    await page.goto(
      `${h.ingestUrl}/console/analytics?connection=default&range=dates&from=${addDays(today, -1)}&to=${today}&tz=America/New_York`,
    );
    expect(await page.locator('#period').innerText()).toContain('2 days, time zone America/New_York');
    expect(await tableRows(page, 'daily-records')).toHaveLength(3);

    await page.goto(`${h.ingestUrl}/console/analytics?range=dates&from=2026-05-02&to=2026-05-01&tz=Mars/Olympus`);
    const alert = await page.getByRole('alert').innerText();
    expect(alert).toContain('showing the last 30 days');
    expect(await page.locator('#period').innerText()).toContain('30 days, time zone UTC');
  });
});
