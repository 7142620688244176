/**
 * What the running service records for the analytics, on each store engine: after real syncs through
 * Temporal (harness: fake Chatwoot and Krayin), the Krayin calls in sync_events add up to the calls the
 * fake Krayin received for those contacts, each webhook-driven write is timed, and a parked contact is
 * recorded with its reason.
 */
import { storeEngines } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';

jest.setTimeout(240_000);

function person(id: number): ContactInput {
  return {
    id,
    name: `Recorded Person ${id}`,
    email: `recorded.${id}@example.com`,
    phone_number: `+49151999${id}`,
    additional_attributes: { company_name: `Recorded Company ${id}` },
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

describe.each(storeEngines().map((e) => [e.name] as const))('analytics recording on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ storeEngine: engine, sync: { leadPolicy: 'contact_created' } });
  });
  afterAll(() => h?.close());

  const rows = async () =>
    (
      await h.store.analytics.daily({
        connectionId: 'default',
        from: '2000-01-01',
        to: '2100-01-01',
        timeZone: 'UTC',
      })
    ).reduce((t, d) => ({ synced: t.synced + d.synced, parked: t.parked + d.parked, calls: t.calls + d.krayinCalls }), {
      synced: 0,
      parked: 0,
      calls: 0,
    });

  it('counts every Krayin call of the syncs, times them from the webhook, and records a park with its reason', async () => {
    // Reference data (pipelines, users) first, so what follows is only the contacts' own calls.
    await h.sendContact('contact_created', person(7000));
    await h.waitFor(7000, (s) => s.syncStatus === 'synced');
    await until(async () => (await rows()).synced === 1, 'the first row');
    const before = await rows();
    h.krayin.clearRequests();

    for (const id of [7001, 7002, 7003]) await h.sendContact('contact_created', person(id));
    for (const id of [7001, 7002, 7003]) await h.waitFor(id, (s) => s.syncStatus === 'synced');
    // An update of one field: one person update, no lead, no organization.
    await h.sendContact('contact_updated', { ...person(7001), name: 'Recorded Person 7001 renamed' });
    await h.waitFor(7001, (s) => s.syncCount >= 2 && s.status === 'idle');
    h.krayin.addFaults({ method: 'POST', path: '^/leads$', kind: 'status', status: 422, times: 1 });
    await h.sendContact('contact_created', person(7004));
    await h.waitFor(7004, (s) => s.syncStatus === 'parked');
    await until(async () => {
      const r = await rows();
      return r.synced === before.synced + 4 && r.parked === 1;
    }, 'every step recorded');

    const after = await rows();
    const received = h.krayinCalls().length;
    // Every call the fake Krayin received since, and none twice.
    expect(after.calls - before.calls).toBe(received);
    expect(received).toBeGreaterThan(0);

    const summary = await h.store.analytics.summary({
      connectionId: 'default',
      from: '2000-01-01',
      to: '2100-01-01',
      timeZone: 'UTC',
    });
    // The five writes after a webhook are timed (7000, 7001 twice, 7002, 7003); the park is not.
    expect(summary.latencyMs.count).toBe(5);
    expect(summary.latencyMs.p50).toBeGreaterThan(0);
    const reasons = await h.store.analytics.reasons({
      connectionId: 'default',
      from: '2000-01-01',
      to: '2100-01-01',
      timeZone: 'UTC',
    });
    expect(reasons).toEqual([{ status: 'parked', reasonKind: 'validation', count: 1 }]);
    const left = await h.store.analytics.linkedLeads('default', 100);
    expect(left.total).toBe(4); // 7000-7003 have leads; the parked 7004 has none
    console.log(
      `analytics recording (${engine}): ${received} Krayin calls for 3 creates, 1 update and 1 park; ` +
        `p50 webhook-to-Krayin ${summary.latencyMs.p50} ms, p95 ${summary.latencyMs.p95} ms`,
    );
  });
});
