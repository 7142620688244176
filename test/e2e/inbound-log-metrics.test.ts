/**
 * The inbound log's backlog on /metrics (INGEST_MODE=log): the whole service as `npm start` wires it
 * (harness), scraped over HTTP on its real /metrics route. `cks_inbound_log_events` is read from the
 * store at scrape time; `cks_inbound_forwarded_total` counts what the forwarder handed to Temporal.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { ADMIN_TOKEN, startHarness, type Harness } from '../helpers/harness';

async function scrape(h: Harness): Promise<Map<string, number>> {
  const res = await request(`${h.ingestUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.statusCode).toBe(200);
  const values = new Map<string, number>();
  for (const line of (await res.body.text()).split('\n')) {
    const m = /^(cks_inbound_[a-z_]+) (\S+)$/.exec(line);
    if (m) values.set(m[1]!, Number(m[2]));
  }
  return values;
}

async function until(pred: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the inbound log on /metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ service: { ingest: { mode: 'log' } } });
  });
  afterAll(() => h?.close());

  it('shows the events waiting (read from the store at each scrape) and counts those forwarded', async () => {
    expect(await scrape(h)).toEqual(
      new Map([
        ['cks_inbound_forwarded_total', 0],
        ['cks_inbound_log_events', 0],
      ]),
    );

    // Events of a connection no longer configured: nobody forwards them, so they wait in the log.
    const at = new Date().toISOString();
    await h.store.inbound.append(
      [1, 2].map((contactId) => ({
        connectionId: 'retired',
        contactId,
        deliveryId: `retired-${contactId}-${randomUUID()}`,
        event: 'contact_updated' as const,
        receivedAt: at,
      })),
    );
    expect((await scrape(h)).get('cks_inbound_log_events')).toBe(2);

    // Three webhooks of the configured connection: accepted into the log, forwarded, counted.
    for (const id of [9301, 9302, 9303]) {
      const res = await h.sendContact('contact_created', {
        id,
        name: `Ina Inbound ${id}`,
        email: `ina.${id}@example.com`,
        phone_number: '',
        additional_attributes: {},
        custom_attributes: {},
      });
      expect(res.status).toBe(202);
    }
    await until(async () => (await scrape(h)).get('cks_inbound_forwarded_total') === 3);
    for (const id of [9301, 9302, 9303]) await h.waitFor(id, (s) => s.eventsReceived >= 1);
    expect(await scrape(h)).toEqual(
      new Map([
        ['cks_inbound_forwarded_total', 3],
        ['cks_inbound_log_events', 2],
      ]),
    );
  });
});
