/**
 * The analytics store (migration 013) on every engine: recording a step takes the contact's Krayin call
 * tally, counts its audit entries since its previous row and measures the latency from the oldest webhook
 * since then; the page's queries group by day in the viewer's time zone; retention prunes.
 */
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

describe.each(storeEngines().map((e) => [e.name, e] as const))('analytics store on %s', (_name, engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const rows = async (connectionId: string) =>
    (
      await t.db.query<Record<string, unknown>>(
        `SELECT chatwoot_contact_id::int AS contact, kind, reason_kind, krayin_calls, latency_ms,
                persons_created, persons_updated, leads_created, leads_updated, activities_created, activities_updated
         FROM sync_events WHERE connection_id = $1 ORDER BY id`,
        [connectionId],
      )
    ).rows;

  it('records a step with its calls, the records it wrote and the latency from the first webhook', async () => {
    const { store } = t;
    const received = new Date(Date.now() - 1500);
    await store.deliveries.record('rec', 'd-1', 'contact_created', 1, received);
    await store.deliveries.record('rec', 'd-2', 'contact_updated', 1, new Date(Date.now() - 500));
    await store.deliveries.record('rec', 'd-other', 'contact_created', 2, new Date(Date.now() - 9000));
    await store.syncEvents.addKrayinCalls('rec', 1, 2);
    await store.syncEvents.addKrayinCalls('rec', 1, 1);
    await store.audit.append({ connectionId: 'rec', contactId: 1, action: 'person.created', detail: { personId: 5 } });
    await store.audit.append({ connectionId: 'rec', contactId: 1, action: 'lead.created', detail: { leadId: 6 } });
    await store.audit.append({ connectionId: 'rec', contactId: 2, action: 'person.created', detail: { personId: 7 } });
    await store.syncEvents.record({ connectionId: 'rec', contactId: 1, kind: 'synced' });

    // The conversation step after it: its own calls and activity only; no webhook since, so no latency.
    await store.syncEvents.addKrayinCalls('rec', 1, 1);
    await store.audit.append({ connectionId: 'rec', contactId: 1, action: 'conversation.written', detail: {} });
    // With per-message sync, a message's own Krayin activity (counted from its link, no audit entry).
    await store.conversations.upsert('rec', 50, { contactId: 1, activityId: 9 });
    await store.messages.upsert('rec', 500, { conversationId: 50, activityId: 10 });
    await store.syncEvents.record({ connectionId: 'rec', contactId: 1, kind: 'conversation' });
    // A conversation step that did nothing adds no row; a parked one records its reason.
    await store.syncEvents.record({ connectionId: 'rec', contactId: 1, kind: 'conversation' });
    await store.syncEvents.record({ connectionId: 'rec', contactId: 1, kind: 'parked', reasonKind: 'validation' });

    const [synced, conversation, parked, ...rest] = await rows('rec');
    expect(rest).toEqual([]);
    expect(synced).toMatchObject({ kind: 'synced', krayin_calls: 3, persons_created: 1, leads_created: 1 });
    expect(synced!.activities_created).toBe(0);
    // At least the 1.5 s since the first webhook, not the 9 s of the other contact's.
    expect(synced!.latency_ms).toBeGreaterThanOrEqual(1400);
    expect(synced!.latency_ms).toBeLessThan(8000);
    expect(conversation).toMatchObject({
      kind: 'conversation',
      krayin_calls: 1,
      activities_created: 2,
      persons_created: 0,
    });
    expect(conversation!.latency_ms).toBeNull();
    expect(parked).toMatchObject({ kind: 'parked', reason_kind: 'validation', krayin_calls: 0, latency_ms: null });
    // The tally was taken.
    const left = await t.db.query('SELECT * FROM krayin_call_tallies WHERE connection_id = $1', ['rec']);
    expect(left.rows).toEqual([]);
  });

  it('groups by day in the viewer time zone, rates by reason, percentiles and the busiest minute', async () => {
    const insert = (at: string, kind: string, calls: number, latency: number | null, reason: string | null = null) =>
      t.db.query(
        `INSERT INTO sync_events (connection_id, chatwoot_contact_id, occurred_at, kind, reason_kind, krayin_calls,
                                  latency_ms, persons_created, activities_created)
         VALUES ('q', 1, $1, $2, $3, $4, $5, $6, $7)`,
        [at, kind, reason, calls, latency, kind === 'synced' ? 1 : 0, kind === 'conversation' ? 1 : 0],
      );
    await insert('2026-03-01T23:30:00Z', 'synced', 2, 100); // UTC: March 1; New York: March 1 (18:30)
    await insert('2026-03-02T03:00:00Z', 'synced', 4, 300); // UTC: March 2; New York: March 1 (22:00)
    await insert('2026-03-02T03:00:30Z', 'conversation', 1, 200);
    await insert('2026-03-02T12:00:00Z', 'parked', 0, null, 'validation');
    await insert('2026-03-02T13:00:00Z', 'failed', 0, null, 'internal');
    await insert('2026-03-03T00:00:00Z', 'synced', 9, 1000); // outside [Mar 1, Mar 3) in UTC; inside in New York
    const utc = { connectionId: 'q', from: '2026-03-01', to: '2026-03-03', timeZone: 'UTC' };
    const ny = { ...utc, timeZone: 'America/New_York' };

    const daysUtc = await t.store.analytics.daily(utc);
    expect(daysUtc.map((d) => [d.day, d.synced, d.conversations, d.parked, d.failed, d.krayinCalls])).toEqual([
      ['2026-03-01', 1, 0, 0, 0, 2],
      ['2026-03-02', 1, 1, 1, 1, 5],
    ]);
    const daysNy = await t.store.analytics.daily(ny);
    expect(daysNy.map((d) => [d.day, d.synced, d.personsCreated, d.activitiesCreated])).toEqual([
      ['2026-03-01', 2, 2, 1],
      ['2026-03-02', 1, 1, 0],
    ]);

    expect(await t.store.analytics.reasons(utc)).toEqual([
      { status: 'failed', reasonKind: 'internal', count: 1 },
      { status: 'parked', reasonKind: 'validation', count: 1 },
    ]);

    const s = await t.store.analytics.summary(utc);
    expect(s).toMatchObject({ outcomes: 4, steps: 5, parked: 1, failed: 1, krayinCalls: 7 });
    // calls 2, 4, 1, 0, 0: avg 1.4, median 1, p95 between 2 and 4 (linear: 3.6).
    expect(s.callsPerStep.avg).toBeCloseTo(1.4);
    expect(s.callsPerStep.p50).toBe(1);
    expect(s.callsPerStep.p95).toBeCloseTo(3.6);
    // latencies 100, 300, 200: p50 200, p95 290.
    expect(s.latencyMs).toEqual({ count: 3, p50: 200, p95: 290 });
    // 03:00:00 and 03:00:30 share a minute: 5 calls.
    expect(s.peakMinuteCalls).toBe(5);

    const empty = await t.store.analytics.summary({ ...utc, from: '2025-01-01', to: '2025-01-02' });
    expect(empty).toMatchObject({ outcomes: 0, krayinCalls: 0, peakMinuteCalls: 0 });
    expect(empty.latencyMs.p50).toBeNull();
  });

  it('lists the linked leads, newest first, bounded', async () => {
    for (const [c, lead] of [
      [1, 10],
      [2, 30],
      [3, 20],
      [4, 30],
    ] as const)
      await t.store.links.upsertContact('leads', c, { personId: c, leadId: lead });
    await t.store.links.upsertContact('leads', 5, { personId: 5 });
    expect(await t.store.analytics.linkedLeads('leads', 2)).toEqual({ total: 3, ids: [30, 20] });
  });

  it('prunes rows and untaken tallies older than the retention', async () => {
    await t.db.query(
      `INSERT INTO sync_events (connection_id, chatwoot_contact_id, occurred_at, kind)
       VALUES ('p', 1, now() - interval '500 days', 'synced'), ('p', 1, now() - interval '1 day', 'synced')`,
    );
    await t.db.query(
      `INSERT INTO krayin_call_tallies (connection_id, chatwoot_contact_id, calls, updated_at)
       VALUES ('p', 9, 3, now() - interval '500 days')`,
    );
    const removed = await t.store.syncEvents.prune(new Date(Date.now() - 400 * 86_400_000));
    expect(removed).toBe(2);
    expect((await rows('p')).length).toBe(1);
  });
});
