/**
 * A worker killed (SIGKILL) while a Krayin write is in flight, then restarted: the write reached
 * Krayin but its result never got back. The retried activity must link what was created, not create
 * it again. The worker runs in a child process sharing a real Postgres store with this test.
 */
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';
import { startHarness, type Harness } from '../helpers/harness';

describe('a worker killed mid-sync and restarted', () => {
  let h: Harness;
  let worker: WorkerProcess | null = null;

  beforeAll(async () => {
    h = await startHarness({ storeEngine: 'postgres', workers: false, sync: { leadPolicy: 'contact_created' } });
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
  });

  it('creates no duplicate: 1 person, 1 organization, 1 lead', async () => {
    worker = await spawnWorker(h.config, h.databaseUrl!);
    // Krayin takes 3 s to answer the lead+person create: the worker dies while it is in flight.
    h.krayin.addFaults({ method: 'POST', path: '^/leads$', kind: 'latency', delayMs: 3_000, times: 1 });
    const contact = {
      id: 2001,
      name: 'Crash Test',
      email: 'crash.2001@example.com',
      phone_number: '+14155550101',
      additional_attributes: { company_name: 'Crashing Co' },
      custom_attributes: {},
    };
    expect((await h.sendContact('contact_created', contact)).status).toBe(202);

    await waitForPendingActivity(h, 2001, 'syncPerson');
    await waitForKrayinRequestStart(h);
    await worker.kill();
    worker = null;

    // The delayed create still lands in Krayin after the worker is gone.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(h.krayin.snapshot().persons).toHaveLength(1);

    worker = await spawnWorker(h.config, h.databaseUrl!);
    const s = await h.waitFor(2001, (st) => st.syncStatus === 'synced', 90_000);

    const k = h.krayin.snapshot();
    expect(k.persons).toHaveLength(1);
    expect(k.organizations).toHaveLength(1);
    expect(k.leads).toHaveLength(1);
    expect(s.lastOutcome).toMatchObject({ kind: 'synced', personId: k.persons[0]!.id, leadId: k.leads[0]!.id });
    const link = await h.store.links.getContact('default', 2001);
    expect(link).toMatchObject({ personId: k.persons[0]!.id, leadId: k.leads[0]!.id });
    expect(h.krayin.requests().filter((r) => r.method === 'POST' && r.path === '/leads')).toHaveLength(1);
  });
});

async function waitForPendingActivity(h: Harness, contactId: number, activityType: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const d = await h.handle(contactId).describe();
      if (d.raw.pendingActivities?.some((a) => a.activityType?.name === activityType)) return;
    } catch {
      // not started yet
    }
    if (Date.now() > deadline) throw new Error(`no pending ${activityType} activity within 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The lead create is "in flight" once the fake has logged the search (email and phone) that precedes it. */
async function waitForKrayinRequestStart(h: Harness): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (
    !h.krayin
      .requests()
      .some((r) => r.path === '/contacts/persons/search' && r.query.searchFields?.includes('contact_numbers'))
  ) {
    if (Date.now() > deadline) throw new Error('the phone search never happened');
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 300));
}
