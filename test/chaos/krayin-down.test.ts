/**
 * Chaos 1: Krayin goes away during a burst across many contacts.
 *
 * 30 contacts (a third without a company, the rest spread over 6 shared companies, a third updated
 * again with a new name) are delivered while the fake Krayin first drops every connection (`down`,
 * ~8 s) and then answers 503 (~7 s). Ingest must accept every webhook (it never calls Krayin), the
 * workflows retry with backoff, and once the faults are cleared Krayin must hold exactly one person
 * per contact with its latest name and company, one organization per company and one lead per contact
 * (leadPolicy contact_created): 0 duplicates, 0 losses. Recovery time = faults cleared -> last sync.
 */
import { callList, startHarness, type Harness } from '../helpers/harness';
import {
  auditKrayin,
  chaosStoreEngine,
  chaosContact,
  companyOf,
  distinctCompanies,
  latestSync,
  reportFigures,
  settled,
  sleep,
  waitForAll,
  waitUntil,
  type ChaosContact,
} from './helpers/chaos';
import { reportSlowest } from './helpers/activity-timeline';

const FIRST_ID = 50_000;
const CONTACTS = 30;
const DOWN_MS = 8_000;
const OUTAGE_MS = 15_000;
const COMPANIES = [
  'Chaos Shared Alpha GmbH',
  'Chaos Shared Beta Ltd',
  'Chaos Shared Gamma Inc',
  'Chaos Shared Delta SA',
  'Chaos Shared Epsilon BV',
  'Chaos Shared Zeta AG',
];

describe('chaos: Krayin down during a burst across 30 contacts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      storeEngine: chaosStoreEngine(),
      sync: { leadPolicy: 'contact_created' },
      // The harness's 2 s client timeout is shorter than the fake's answers on a loaded CI machine (the
      // fake and the worker share this process): a read that times out is retried, a write that times
      // out is ambiguous and waits KRAYIN_WRITE_SETTLE_MS (60 s) before its re-read. The clean-clone CI
      // made twice this test's requests and took 127 s to recover, locally 9 to 12 s. The outage is
      // dropped connections and 503s, answered at once, so a product-like timeout changes nothing else.
      krayinSettings: { timeoutMs: 10_000 },
    });
  });
  afterAll(() => h?.close());

  it('after recovery: exactly one person, organization and lead each, nothing lost, nothing duplicated', async () => {
    const contacts: ChaosContact[] = [];
    let withCompany = 0;
    for (let i = 0; i < CONTACTS; i++) {
      const company = i % 3 === 0 ? null : COMPANIES[withCompany++ % COMPANIES.length]!;
      contacts.push(
        chaosContact(
          FIRST_ID + i,
          company,
          i % 4 === 0 ? { phone_number: `+49151555${String(i).padStart(4, '0')}` } : {},
        ),
      );
    }
    const updated = contacts.filter((_, i) => i % 3 === 1);

    // The outage starts before the first event: connections dropped, then 503s. Cleared by hand below.
    const outageStart = Date.now();
    h.krayin.addFaults({ kind: 'down', forMs: DOWN_MS }, { kind: 'status', status: 503, forMs: OUTAGE_MS + 60_000 });

    const answers = await Promise.all(contacts.map((c) => h.sendContact('contact_created', c)));
    // A third of the contacts change their name in Chatwoot during the outage: the newer state must win.
    for (const c of updated) c.name = `${c.name} (renamed)`;
    answers.push(...(await Promise.all(updated.map((c) => h.sendContact('contact_updated', c)))));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    const events = answers.length;

    // The burst really hit the outage: at least as many refused attempts as there are contacts.
    await waitUntil(() => h.krayinCalls().filter((r) => r.fault).length >= CONTACTS, 30_000);
    const remaining = OUTAGE_MS - (Date.now() - outageStart);
    if (remaining > 0) await sleep(remaining);
    const faultsClearedAt = Date.now();
    h.krayin.clearFaults();
    const faulted = h.krayinCalls().filter((r) => r.fault);

    const eventsOf = (id: number) => 1 + (updated.some((u) => u.id === id) ? 1 : 0);
    const statuses = await waitForAll(
      h,
      contacts.map((c) => c.id),
      (s, id) => settled(eventsOf(id))(s),
      150_000,
    );
    const lastSynced = await latestSync(
      h,
      contacts.map((c) => c.id),
    );

    const snap = h.krayin.snapshot();
    const audit = auditKrayin(snap, contacts, () => true);
    const calls = h.krayinCalls();
    reportFigures('krayin-down', {
      contacts: CONTACTS,
      companies: distinctCompanies(contacts),
      events,
      outageMs: OUTAGE_MS,
      faultedRequests: faulted.length,
      droppedConnections: faulted.filter((r) => r.status === 0).length,
      answered503: faulted.filter((r) => r.status === 503).length,
      krayinRequests: calls.length,
      persons: audit.persons,
      organizations: audit.organizations,
      leads: audit.leads,
      duplicates: audit.duplicates,
      losses: audit.losses,
      parked: [...statuses.values()].filter((s) => s.syncStatus !== 'synced').length,
      recoveryMs: Math.max(0, lastSynced - faultsClearedAt),
    });
    // What the last contacts to settle waited for (a clean-clone CI took 127 s, locally 12 s).
    await reportSlowest(
      h,
      'krayin-down',
      contacts.map((c) => c.id),
      faultsClearedAt,
    );

    expect(audit.lossDetails).toEqual([]);
    expect(audit.duplicates).toBe(0);
    expect(snap.persons).toHaveLength(CONTACTS);
    expect(snap.organizations).toHaveLength(distinctCompanies(contacts));
    expect(snap.leads).toHaveLength(CONTACTS);
    expect(faulted.length).toBeGreaterThanOrEqual(CONTACTS);

    // Links in the store agree with Krayin, contact by contact.
    for (const c of contacts) {
      const link = await h.store.links.getContact('default', c.id);
      const person = snap.persons.find((p) => p.id === link?.personId);
      expect(person?.name).toBe(c.name);
      expect(snap.leads.find((l) => l.id === link?.leadId)?.person_id).toBe(person!.id);
      const org = snap.organizations.find((o) => o.id === person!.organization_id);
      expect(org?.name ?? null).toBe(companyOf(c));
      expect(statuses.get(c.id)?.eventsReceived).toBe(eventsOf(c.id));
    }
    // Nothing was written while Krayin was away (every faulted request was refused before it ran).
    expect(callList(faulted.filter((r) => r.status !== 0 && r.status !== 503))).toEqual([]);
    // The test timeout exceeds the waits above, so a contact that does not settle fails with its last
    // status (waitFor's message), not with jest's bare timeout (CI once hid the cause that way).
  }, 240_000);
});
