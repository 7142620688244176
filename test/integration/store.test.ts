/**
 * The Store contract, run unchanged on every engine (PGlite in memory and on disk, and Postgres when
 * reachable; required in CI). Tests share one migrated store per engine and isolate themselves
 * through unique connection ids.
 */
import { storeEngines, type TestStore } from '../helpers/databases';
import type { ParkReason } from '../../src/store';

// PGlite starts with an initdb (seconds on a busy machine); the project-level testTimeout does not reach hooks.
jest.setTimeout(120_000);

const engines = storeEngines({ includePgliteDir: true });

describe.each(engines.map((engine) => [engine.name, engine] as const))('store on %s', (_name, engine) => {
  let t: TestStore;
  let counter = 0;
  /** A connection id no other test uses, so tests never see each other's rows. */
  const freshConnection = () => `conn-${++counter}`;

  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('answers ping', async () => {
    await expect(t.store.ping()).resolves.toBeUndefined();
  });

  describe('transaction', () => {
    it('commits all writes together', async () => {
      const c = freshConnection();
      const result = await t.store.transaction(async (tx) => {
        await tx.links.upsertContact(c, 1, { personId: 7 });
        await tx.syncState.markSynced(c, 1, 'h', new Date('2025-01-01T00:00:00Z'));
        return 'done';
      });
      expect(result).toBe('done');
      expect((await t.store.links.getContact(c, 1))?.personId).toBe(7);
      expect((await t.store.syncState.get(c, 1))?.status).toBe('synced');
    });

    it('rolls every write back when fn throws', async () => {
      const c = freshConnection();
      await expect(
        t.store.transaction(async (tx) => {
          await tx.links.upsertContact(c, 1, { personId: 7 });
          await tx.audit.append({ connectionId: c, contactId: 1, action: 'person.linked' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await t.store.links.getContact(c, 1)).toBeNull();
      expect(await t.store.audit.list(c, 1)).toEqual([]);
    });

    it('refuses the outer store inside the callback instead of deadlocking or escaping the transaction', async () => {
      const c = freshConnection();
      await expect(
        t.store.transaction(async (tx) => {
          await tx.links.upsertContact(c, 1, { personId: 7 });
          await t.store.links.getContact(c, 1);
        }),
      ).rejects.toThrow(/use the `tx` handle/);
      expect(await t.store.links.getContact(c, 1)).toBeNull();
    });
  });

  describe('links (contacts)', () => {
    it('returns null for an unknown contact', async () => {
      expect(await t.store.links.getContact(freshConnection(), 1)).toBeNull();
    });

    it('creates a link with only the given ids and reads it back', async () => {
      const c = freshConnection();
      const created = await t.store.links.upsertContact(c, 42, { personId: 7 });
      expect(created).toEqual({
        connectionId: c,
        contactId: 42,
        personId: 7,
        organizationId: null,
        leadId: null,
        updatedAt: expect.any(Date),
      });
      expect(await t.store.links.getContact(c, 42)).toEqual(created);
    });

    it('updates only the keys in the patch; null clears, a missing key keeps', async () => {
      const c = freshConnection();
      await t.store.links.upsertContact(c, 1, { personId: 10, organizationId: 20 });
      const withLead = await t.store.links.upsertContact(c, 1, { leadId: 30 });
      expect(withLead).toMatchObject({ personId: 10, organizationId: 20, leadId: 30 });

      const cleared = await t.store.links.upsertContact(c, 1, { personId: null, leadId: undefined });
      expect(cleared).toMatchObject({ personId: null, organizationId: 20, leadId: 30 });
      expect(cleared.updatedAt.getTime()).toBeGreaterThanOrEqual(withLead.updatedAt.getTime());
      expect(await t.store.links.getContact(c, 1)).toEqual(cleared);
    });

    it('creates an all-null link from an empty patch', async () => {
      const c = freshConnection();
      expect(await t.store.links.upsertContact(c, 5, {})).toMatchObject({
        personId: null,
        organizationId: null,
        leadId: null,
      });
    });

    it('keeps connections apart', async () => {
      const a = freshConnection();
      const b = freshConnection();
      await t.store.links.upsertContact(a, 9, { personId: 1 });
      await t.store.links.upsertContact(b, 9, { personId: 2 });
      expect((await t.store.links.getContact(a, 9))?.personId).toBe(1);
      expect((await t.store.links.getContact(b, 9))?.personId).toBe(2);
    });

    it('round-trips Krayin ids beyond the int4 range as numbers', async () => {
      const c = freshConnection();
      await t.store.links.upsertContact(c, 3_000_000_000, { personId: 4_294_967_295, leadId: 2 ** 40 });
      const link = await t.store.links.getContact(c, 3_000_000_000);
      expect(link).toMatchObject({ contactId: 3_000_000_000, personId: 4_294_967_295, leadId: 2 ** 40 });
      expect(typeof link?.personId).toBe('number');
    });

    it('finds the contacts linked to a person or a lead, in contact id order', async () => {
      const c = freshConnection();
      const other = freshConnection();
      await t.store.links.upsertContact(c, 20, { personId: 5, leadId: 50 });
      await t.store.links.upsertContact(c, 10, { personId: 5 });
      await t.store.links.upsertContact(c, 30, { personId: 6, leadId: 50 });
      await t.store.links.upsertContact(other, 10, { personId: 5, leadId: 50 });

      expect((await t.store.links.findContactsByPerson(c, 5)).map((l) => l.contactId)).toEqual([10, 20]);
      expect((await t.store.links.findContactsByLead(c, 50)).map((l) => l.contactId)).toEqual([20, 30]);

      await t.store.links.upsertContact(c, 20, { personId: null });
      expect((await t.store.links.findContactsByPerson(c, 5)).map((l) => l.contactId)).toEqual([10]);
      expect(await t.store.links.findContactsByPerson(c, 999)).toEqual([]);
    });
  });

  describe('links (organizations)', () => {
    it('sets, overwrites, reads and deletes by name key', async () => {
      const c = freshConnection();
      expect(await t.store.links.getOrganization(c, 'acme')).toBeNull();
      await t.store.links.setOrganization(c, 'acme', 11);
      expect(await t.store.links.getOrganization(c, 'acme')).toBe(11);
      await t.store.links.setOrganization(c, 'acme', 12);
      expect(await t.store.links.getOrganization(c, 'acme')).toBe(12);
      expect(await t.store.links.getOrganization(freshConnection(), 'acme')).toBeNull();

      await t.store.links.deleteOrganization(c, 'acme');
      expect(await t.store.links.getOrganization(c, 'acme')).toBeNull();
      await expect(t.store.links.deleteOrganization(c, 'acme')).resolves.toBeUndefined();
    });
  });

  describe('syncState', () => {
    const validation: ParkReason = {
      kind: 'validation',
      message: 'Krayin rejected the person',
      fieldErrors: { 'emails.0.value': ['The emails.0.value has already been taken.'] },
      endpoint: 'POST /contacts/persons',
    };
    const auth: ParkReason = { kind: 'auth', message: 'Krayin answered 401', endpoint: 'GET /leads' };
    const t1 = new Date('2025-01-01T10:00:00.000Z');
    const t2 = new Date('2025-01-02T10:00:00.000Z');
    const t3 = new Date('2025-01-03T10:00:00.000Z');

    it('returns null for an unknown contact', async () => {
      expect(await t.store.syncState.get(freshConnection(), 1)).toBeNull();
    });

    it('markPending creates a pending row without a hash', async () => {
      const c = freshConnection();
      await t.store.syncState.markPending(c, 1);
      expect(await t.store.syncState.get(c, 1)).toEqual({
        connectionId: c,
        contactId: 1,
        status: 'pending',
        lastHash: null,
        lastSyncedAt: null,
        parkReason: null,
        parkedAt: null,
        note: null,
        updatedAt: expect.any(Date),
      });
    });

    it('markSynced records the hash and time', async () => {
      const c = freshConnection();
      await t.store.syncState.markPending(c, 1);
      await t.store.syncState.markSynced(c, 1, 'sha256:abc', t1);
      expect(await t.store.syncState.get(c, 1)).toMatchObject({
        status: 'synced',
        lastHash: 'sha256:abc',
        lastSyncedAt: t1,
      });
    });

    it('markParked stores the reason JSON and time and keeps the last hash', async () => {
      const c = freshConnection();
      await t.store.syncState.markSynced(c, 1, 'h1', t1);
      await t.store.syncState.markParked(c, 1, validation, t2);
      expect(await t.store.syncState.get(c, 1)).toMatchObject({
        status: 'parked',
        parkReason: validation,
        parkedAt: t2,
        lastHash: 'h1',
        lastSyncedAt: t1,
      });
    });

    it('re-parking replaces the reason but keeps "parked since"', async () => {
      const c = freshConnection();
      await t.store.syncState.markParked(c, 1, validation, t1);
      await t.store.syncState.markParked(c, 1, auth, t3);
      expect(await t.store.syncState.get(c, 1)).toMatchObject({ status: 'parked', parkReason: auth, parkedAt: t1 });
    });

    it('markPending after parking clears the reason and keeps the hash', async () => {
      const c = freshConnection();
      await t.store.syncState.markSynced(c, 1, 'h1', t1);
      await t.store.syncState.markParked(c, 1, auth, t2);
      await t.store.syncState.markPending(c, 1);
      expect(await t.store.syncState.get(c, 1)).toMatchObject({
        status: 'pending',
        parkReason: null,
        parkedAt: null,
        lastHash: 'h1',
      });
      // A later park starts a new "parked since".
      await t.store.syncState.markParked(c, 1, auth, t3);
      expect((await t.store.syncState.get(c, 1))?.parkedAt).toEqual(t3);
    });

    it('markSkipped stores the note; markSynced clears it', async () => {
      const c = freshConnection();
      await t.store.syncState.markSkipped(c, 1, 'waiting for an email address');
      expect(await t.store.syncState.get(c, 1)).toMatchObject({
        status: 'skipped',
        note: 'waiting for an email address',
      });
      await t.store.syncState.markSynced(c, 1, 'h', t1);
      expect((await t.store.syncState.get(c, 1))?.note).toBeNull();
    });

    it('markFailed stores the reason and time', async () => {
      const c = freshConnection();
      await t.store.syncState.markFailed(c, 1, { kind: 'mapping', message: 'no stage named "won"' }, t2);
      expect(await t.store.syncState.get(c, 1)).toMatchObject({
        status: 'failed',
        parkReason: { kind: 'mapping', message: 'no stage named "won"' },
        parkedAt: t2,
      });
    });

    it('clearHash forgets only the hash, and creates no row for an unknown contact', async () => {
      const c = freshConnection();
      await t.store.syncState.markSynced(c, 1, 'h1', t1);
      await t.store.syncState.clearHash(c, 1);
      expect(await t.store.syncState.get(c, 1)).toMatchObject({ status: 'synced', lastHash: null, lastSyncedAt: t1 });

      await t.store.syncState.clearHash(c, 2);
      expect(await t.store.syncState.get(c, 2)).toBeNull();
    });

    it('masks email addresses and international phones that slip into reasons and notes', async () => {
      const c = freshConnection();
      await t.store.syncState.markParked(
        c,
        1,
        {
          kind: 'validation',
          message: 'duplicate jane.doe@example.com',
          fieldErrors: { phone: ['+49 151 2345 6789'] },
        },
        t1,
      );
      expect((await t.store.syncState.get(c, 1))?.parkReason).toEqual({
        kind: 'validation',
        message: 'duplicate [redacted-email]',
        fieldErrors: { phone: ['[redacted-phone]'] },
      });
      await t.store.syncState.markSkipped(c, 2, 'contact 12345678 has no email');
      expect((await t.store.syncState.get(c, 2))?.note).toBe('contact 12345678 has no email');
    });

    it('countByStatus counts per connection and status, with oldestParkedAt for parked only', async () => {
      const a = freshConnection();
      const b = freshConnection();
      await t.store.syncState.markParked(a, 1, validation, t2);
      await t.store.syncState.markParked(a, 2, auth, t1);
      await t.store.syncState.markParked(a, 3, auth, t3);
      await t.store.syncState.markFailed(a, 4, auth, t1);
      await t.store.syncState.markSynced(a, 5, 'h', t1);
      await t.store.syncState.markSynced(a, 6, 'h', t1);
      await t.store.syncState.markPending(a, 7);
      await t.store.syncState.markSkipped(b, 1, 'no email');
      const pendingSince = (await t.store.syncState.get(a, 7))!.updatedAt;

      expect(await t.store.syncState.countByStatus(a)).toEqual([
        { connectionId: a, status: 'failed', count: 1, oldestParkedAt: null, oldestPendingSince: null },
        { connectionId: a, status: 'parked', count: 3, oldestParkedAt: t1, oldestPendingSince: null },
        { connectionId: a, status: 'pending', count: 1, oldestParkedAt: null, oldestPendingSince: pendingSince },
        { connectionId: a, status: 'synced', count: 2, oldestParkedAt: null, oldestPendingSince: null },
      ]);

      const all = await t.store.syncState.countByStatus();
      expect(all.filter((row) => row.connectionId === a || row.connectionId === b)).toEqual([
        ...(await t.store.syncState.countByStatus(a)),
        { connectionId: b, status: 'skipped', count: 1, oldestParkedAt: null, oldestPendingSince: null },
      ]);
      expect(await t.store.syncState.countByStatus(freshConnection())).toEqual([]);
    });

    it('markPending keeps "pending since" when the row is already pending, and restarts it after a sync', async () => {
      const c = freshConnection();
      await t.store.syncState.markPending(c, 1);
      const since = (await t.store.syncState.get(c, 1))!.updatedAt;
      await new Promise((r) => setTimeout(r, 20)); // so that now() differs
      await t.store.syncState.markPending(c, 1);
      expect((await t.store.syncState.get(c, 1))!.updatedAt).toEqual(since);
      expect((await t.store.syncState.countByStatus(c))[0]!.oldestPendingSince).toEqual(since);
      await t.store.syncState.markSynced(c, 1, 'h', t1);
      await new Promise((r) => setTimeout(r, 20));
      await t.store.syncState.markPending(c, 1);
      expect((await t.store.syncState.get(c, 1))!.updatedAt.getTime()).toBeGreaterThan(since.getTime());
    });

    it('listParked lists parked and failed rows oldest first, filters by kind, honours the limit', async () => {
      const c = freshConnection();
      await t.store.syncState.markParked(c, 1, validation, t2);
      await t.store.syncState.markParked(c, 2, auth, t3);
      await t.store.syncState.markParked(c, 3, auth, t1);
      await t.store.syncState.markFailed(c, 4, auth, t1);
      await t.store.syncState.markParked(freshConnection(), 5, auth, t1);

      const ids = (states: { contactId: number }[]) => states.map((s) => s.contactId);
      expect(ids(await t.store.syncState.listParked(c))).toEqual([3, 4, 1, 2]);
      expect(ids(await t.store.syncState.listParked(c, 'auth'))).toEqual([3, 4, 2]);
      expect(ids(await t.store.syncState.listParked(c, 'validation'))).toEqual([1]);
      expect(ids(await t.store.syncState.listParked(c, 'config'))).toEqual([]);
      expect(ids(await t.store.syncState.listParked(c, undefined, 2))).toEqual([3, 4]);
      await t.store.syncState.markSynced(c, 4, 'h', t3);
      expect(ids(await t.store.syncState.listParked(c, 'auth'))).toEqual([3, 2]);
      expect((await t.store.syncState.listParked(c, 'validation'))[0]?.parkReason).toEqual(validation);
    });

    it('rejects an unknown status at the database (check constraint)', async () => {
      await expect(
        t.db.query(
          "INSERT INTO contact_sync_states (connection_id, chatwoot_contact_id, status) VALUES ($1, 1, 'done')",
          [freshConnection()],
        ),
      ).rejects.toThrow(/contact_sync_states_status_check/);
    });
  });

  describe('deliveries', () => {
    it('records a delivery id once per connection', async () => {
      const c = freshConnection();
      expect(await t.store.deliveries.record(c, 'd-1', 'contact_updated', 5)).toBe(true);
      expect(await t.store.deliveries.record(c, 'd-1', 'contact_updated', 5)).toBe(false);
      expect(await t.store.deliveries.record(c, 'd-2', 'conversation_created', null)).toBe(true);
      expect(await t.store.deliveries.record(freshConnection(), 'd-1', 'contact_updated', 5)).toBe(true);
    });

    it('lets exactly one of 20 concurrent records of one id win', async () => {
      const c = freshConnection();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => t.store.deliveries.record(c, 'burst', 'contact_created', 1)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('prune deletes only rows received before the cut-off', async () => {
      const c = freshConnection();
      await t.store.deliveries.record(c, 'old-1', 'contact_updated', 1, new Date('2020-01-01T00:00:00Z'));
      await t.store.deliveries.record(c, 'old-2', 'contact_updated', 1, new Date('2020-06-01T00:00:00Z'));
      await t.store.deliveries.record(c, 'edge', 'contact_updated', 1, new Date('2021-01-01T00:00:00Z'));
      await t.store.deliveries.record(c, 'recent', 'contact_updated', 1);

      expect(await t.store.deliveries.prune(new Date('2021-01-01T00:00:00Z'))).toBe(2);
      // Pruned ids are new again; kept ones are still duplicates.
      expect(await t.store.deliveries.record(c, 'old-1', 'contact_updated', 1)).toBe(true);
      expect(await t.store.deliveries.record(c, 'edge', 'contact_updated', 1)).toBe(false);
      expect(await t.store.deliveries.record(c, 'recent', 'contact_updated', 1)).toBe(false);
      expect(await t.store.deliveries.prune(new Date('2021-01-01T00:00:00Z'))).toBe(0);
    });
  });

  describe('heldEvents', () => {
    const event = (c: string, deliveryId: string, contactId: number, extra: object = {}) => ({
      connectionId: c,
      contactId,
      deliveryId,
      event: 'conversation_created',
      receivedAt: '2026-12-01T10:00:00.000Z',
      ...extra,
    });

    it('holds each delivery once, in arrival order, and counts events and contacts', async () => {
      const c = freshConnection();
      expect(await t.store.heldEvents.hold(event(c, 'd-1', 7, { conversationId: 87 }))).toBe(true);
      expect(await t.store.heldEvents.hold(event(c, 'd-1', 7, { conversationId: 87 }))).toBe(false);
      expect(
        await t.store.heldEvents.hold(
          event(c, 'd-2', 8, { event: 'contact_updated', changedAt: '2026-12-01T09:59:58.123Z' }),
        ),
      ).toBe(true);
      expect(await t.store.heldEvents.hold(event(c, 'd-3', 7, { conversationId: 87, messageId: 5801 }))).toBe(true);
      expect(await t.store.heldEvents.hold(event(freshConnection(), 'd-1', 7))).toBe(true);

      expect(await t.store.heldEvents.count(c)).toEqual({ events: 3, contacts: 2 });
      const held = await t.store.heldEvents.oldest(c, 10);
      expect(held.map(({ seq: _seq, ...e }) => e)).toEqual([
        event(c, 'd-1', 7, { conversationId: 87 }),
        event(c, 'd-2', 8, { event: 'contact_updated', changedAt: '2026-12-01T09:59:58.123Z' }),
        event(c, 'd-3', 7, { conversationId: 87, messageId: 5801 }),
      ]);
      expect(held[0]!.seq).toBeLessThan(held[1]!.seq);
      expect(await t.store.heldEvents.oldest(c, 1)).toHaveLength(1);
    });

    it('removes given events, or all of a connection, and nothing of another', async () => {
      const c = freshConnection();
      const other = freshConnection();
      for (const id of ['a', 'b', 'c']) await t.store.heldEvents.hold(event(c, id, 1));
      await t.store.heldEvents.hold(event(other, 'a', 1));
      const [first, second] = await t.store.heldEvents.oldest(c, 2);
      expect(await t.store.heldEvents.remove(c, [first!.seq, second!.seq])).toBe(2);
      expect(await t.store.heldEvents.remove(other, [first!.seq])).toBe(0);
      expect(await t.store.heldEvents.remove(c, [])).toBe(0);
      expect((await t.store.heldEvents.oldest(c, 10)).map((e) => e.deliveryId)).toEqual(['c']);
      expect(await t.store.heldEvents.discardAll(c)).toBe(1);
      expect(await t.store.heldEvents.count(c)).toEqual({ events: 0, contacts: 0 });
      expect(await t.store.heldEvents.count(other)).toEqual({ events: 1, contacts: 1 });
    });
  });

  describe('audit', () => {
    it('lists a contact newest first with details, limited', async () => {
      const c = freshConnection();
      await t.store.audit.append({ connectionId: c, contactId: 1, action: 'person.created', detail: { personId: 7 } });
      await t.store.audit.append({ connectionId: c, contactId: 2, action: 'person.created' });
      await t.store.audit.append({ connectionId: c, contactId: null, action: 'auth.failed' });
      await t.store.audit.append({ connectionId: c, contactId: 1, action: 'lead.created', detail: { leadId: 9 } });
      await t.store.audit.append({ connectionId: c, contactId: 1, action: 'sync.noop' });
      await t.store.audit.append({ connectionId: freshConnection(), contactId: 1, action: 'person.linked' });

      const entries = await t.store.audit.list(c, 1);
      expect(entries.map((e) => e.action)).toEqual(['sync.noop', 'lead.created', 'person.created']);
      expect(entries[1]).toEqual({
        id: expect.any(Number),
        connectionId: c,
        contactId: 1,
        action: 'lead.created',
        detail: { leadId: 9 },
        at: expect.any(Date),
      });
      expect(entries[0]).not.toHaveProperty('detail');
      const ids = entries.map((e) => e.id);
      expect([...ids].sort((x, y) => y - x)).toEqual(ids);

      expect((await t.store.audit.list(c, 1, 2)).map((e) => e.action)).toEqual(['sync.noop', 'lead.created']);
      expect(await t.store.audit.list(c, 3)).toEqual([]);
    });

    it('defaults to the 50 newest entries', async () => {
      const c = freshConnection();
      for (let i = 0; i < 55; i++) {
        await t.store.audit.append({ connectionId: c, contactId: 1, action: 'sync.noop', detail: { i } });
      }
      const entries = await t.store.audit.list(c, 1);
      expect(entries).toHaveLength(50);
      expect(entries[0]?.detail).toEqual({ i: 54 });
      expect(entries[49]?.detail).toEqual({ i: 5 });
    });
  });

  describe('conversations', () => {
    it('upserts with the same patch rules as contact links', async () => {
      const c = freshConnection();
      expect(await t.store.conversations.get(c, 87)).toBeNull();
      const created = await t.store.conversations.upsert(c, 87, { contactId: 5, activityId: 300, leadId: 40 });
      expect(created).toEqual({
        connectionId: c,
        conversationId: 87,
        contactId: 5,
        activityId: 300,
        leadId: 40,
        personId: null,
        lastHash: null,
        observedState: null,
        lastMessageId: null,
        updatedAt: expect.any(Date),
      });
      const updated = await t.store.conversations.upsert(c, 87, { lastHash: 'h-1', leadId: null, personId: 8 });
      expect(updated).toMatchObject({ contactId: 5, activityId: 300, leadId: null, personId: 8, lastHash: 'h-1' });
      expect(await t.store.conversations.get(c, 87)).toEqual(updated);
      expect((await t.store.conversations.upsert(c, 87, { lastHash: null })).lastHash).toBeNull();
    });

    it('keeps the observed state as JSON and the last written message id', async () => {
      const c = freshConnection();
      const observed = {
        status: 'resolved',
        labels: ['vip', 'ä-umlaut'],
        assigneeId: 7,
        firstReplyAt: null,
        priority: null,
      };
      const link = await t.store.conversations.upsert(c, 87, {
        contactId: 5,
        observedState: observed,
        lastMessageId: 58217,
      });
      expect(link.observedState).toEqual(observed);
      expect(link.lastMessageId).toBe(58217);
      // Other patches leave them alone; null clears.
      expect((await t.store.conversations.upsert(c, 87, { lastHash: 'x' })).observedState).toEqual(observed);
      expect((await t.store.conversations.upsert(c, 87, { observedState: null })).observedState).toBeNull();
    });

    it('lists the conversations of a contact', async () => {
      const c = freshConnection();
      await t.store.conversations.upsert(c, 91, { contactId: 5 });
      await t.store.conversations.upsert(c, 87, { contactId: 5, activityId: 1 });
      await t.store.conversations.upsert(c, 88, { contactId: 6 });
      const list = await t.store.conversations.listByContact(c, 5);
      expect(list.map((l) => [l.conversationId, l.activityId])).toEqual([
        [87, 1],
        [91, null],
      ]);
      expect(await t.store.conversations.listByContact(c, 99)).toEqual([]);
    });
  });

  describe('messages', () => {
    it('links a message to an activity and overwrites on upsert', async () => {
      const c = freshConnection();
      expect(await t.store.messages.get(c, 1001)).toBeNull();
      const link = await t.store.messages.upsert(c, 1001, { conversationId: 87, activityId: 500 });
      expect(link).toEqual({
        connectionId: c,
        messageId: 1001,
        conversationId: 87,
        activityId: 500,
        updatedAt: expect.any(Date),
      });
      await t.store.messages.upsert(c, 1001, { conversationId: 87, activityId: 501 });
      expect((await t.store.messages.get(c, 1001))?.activityId).toBe(501);
      expect(await t.store.messages.get(freshConnection(), 1001)).toBeNull();
    });
  });

  describe('cursors', () => {
    it('stores any JSON value per connection and name', async () => {
      const c = freshConnection();
      expect(await t.store.cursors.get(c, 'reconcile')).toBeNull();
      await t.store.cursors.set(c, 'reconcile', { page: 3, updatedSince: '2025-01-01T00:00:00Z', done: false });
      expect(await t.store.cursors.get(c, 'reconcile')).toEqual({
        connectionId: c,
        name: 'reconcile',
        value: { page: 3, updatedSince: '2025-01-01T00:00:00Z', done: false },
        updatedAt: expect.any(Date),
      });
      await t.store.cursors.set(c, 'reconcile', [1, 'two', null]);
      expect((await t.store.cursors.get(c, 'reconcile'))?.value).toEqual([1, 'two', null]);
      await t.store.cursors.set(c, 'reconcile', null);
      expect(await t.store.cursors.get(c, 'reconcile')).toMatchObject({ value: null });
      await t.store.cursors.set(c, 'krayin-pull', 'opaque');
      expect((await t.store.cursors.get(c, 'krayin-pull'))?.value).toBe('opaque');
      expect(await t.store.cursors.get(freshConnection(), 'reconcile')).toBeNull();
    });
  });

  describe('writtenIdentities', () => {
    it('keeps the hashes last written to a contact person, replaced as a whole, per connection', async () => {
      const c = freshConnection();
      const [h1, h2, h3] = ['a', 'b', 'c'].map((x) => x.repeat(64));
      expect(await t.store.writtenIdentities.get(c, 1)).toBeNull();
      await t.store.writtenIdentities.set(c, 1, 7, [h1!, h2!]);
      expect(await t.store.writtenIdentities.get(c, 1)).toEqual({ personId: 7, hashes: [h1, h2] });
      await t.store.writtenIdentities.set(c, 1, 9, [h3!]);
      expect(await t.store.writtenIdentities.get(c, 1)).toEqual({ personId: 9, hashes: [h3] });
      await t.store.writtenIdentities.set(c, 1, 9, []);
      expect(await t.store.writtenIdentities.get(c, 1)).toEqual({ personId: 9, hashes: [] });
      expect(await t.store.writtenIdentities.get(c, 2)).toBeNull();
      expect(await t.store.writtenIdentities.get(freshConnection(), 1)).toBeNull();
    });
  });

  describe('crmFacts', () => {
    it('keeps what was last written of the lead onto a contact, replaced as a whole, per connection', async () => {
      const c = freshConnection();
      const first = {
        leadId: 42,
        attributesHash: 'f'.repeat(64),
        attributeHashes: { crm_lead_stage: 'a'.repeat(64), crm_lead_value: 'b'.repeat(64) },
        labels: ['crm-hot'],
        stageId: 4,
        ownerId: 3,
      };
      expect(await t.store.crmFacts.get(c, 1)).toBeNull();
      await t.store.crmFacts.set(c, 1, first);
      expect(await t.store.crmFacts.get(c, 1)).toEqual(first);
      const second = {
        leadId: 43,
        attributesHash: 'e'.repeat(64),
        attributeHashes: {},
        labels: [],
        stageId: null,
        ownerId: null,
      };
      await t.store.crmFacts.set(c, 1, second);
      expect(await t.store.crmFacts.get(c, 1)).toEqual(second);
      expect(await t.store.crmFacts.get(c, 2)).toBeNull();
      expect(await t.store.crmFacts.get(freshConnection(), 1)).toBeNull();
    });

    it('holds ids beyond 2^31 (bigint columns) and refuses a non-object hash map', async () => {
      const c = freshConnection();
      const big = {
        leadId: 2 ** 40,
        attributesHash: 'h',
        attributeHashes: {},
        labels: [],
        stageId: 2 ** 33,
        ownerId: 2 ** 34,
      };
      await t.store.crmFacts.set(c, 3_000_000_000, big);
      expect(await t.store.crmFacts.get(c, 3_000_000_000)).toEqual(big);
      await expect(
        t.db.query(
          `INSERT INTO crm_attribute_state (connection_id, chatwoot_contact_id, krayin_lead_id, attributes_hash, attribute_hashes)
           VALUES ($1, 5, 1, 'h', '[]'::jsonb)`,
          [c],
        ),
      ).rejects.toThrow(/crm_attribute_state_hashes_check/);
    });
  });
});
