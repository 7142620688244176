/** ContactSyncState's two-way sync part: Krayin changes as work, the Chatwoot change time, conflicts, carry-over. */
import type { ConflictView, ContactEventSignalPayload } from '../../workflows/api';
import { ContactSyncState, RECENT_CONFLICTS } from '../../workflows/contact-state';

const ref = { connectionId: 'default', contactId: 7 };
const webhook = (deliveryId: string, receivedAt: string, event = 'contact_updated'): ContactEventSignalPayload => ({
  deliveryId,
  event,
  receivedAt,
});
const conflict = (n: number): ConflictView => ({
  field: 'name',
  owner: 'newest',
  winner: 'krayin',
  chatwoot: `c${n}`,
  krayin: `k${n}`,
  at: '2026-12-07T08:00:00.000Z',
});

describe('ContactSyncState with two-way sync', () => {
  it('a Krayin person change is live work carrying its newest updated_at; a lead change only counted in old runs', () => {
    const s = ContactSyncState.fromCarried(ref);
    expect(s.onKrayinChange({ leadId: 3, updatedAt: '2026-12-07T08:00:09.000000Z' }, 50, false)).toBe(false);
    expect(s.hasWork()).toBe(false);
    expect(s.onKrayinChange({ personId: 9, updatedAt: '2026-12-07T08:00:05.000000Z' }, 100)).toBe(true);
    expect(s.onKrayinChange({ personId: 9, updatedAt: '2026-12-07T08:00:04.000000Z' }, 120)).toBe(true);
    expect(s.lastEventAt).toBe(120);
    expect(s.takeWork()).toEqual({
      force: false,
      background: false,
      conversations: [],
      krayinPersonUpdatedAt: '2026-12-07T08:00:05.000000Z',
    });
    expect(s.takeWork()).toEqual({ force: false, background: false, conversations: [] });
    expect(s.status().twoWay).toEqual({ krayinChanges: 3, krayinLeadChanges: 1, conflicts: [] });
  });

  it('a Krayin lead change is live work naming the lead, carried across continue-as-new', () => {
    const s = ContactSyncState.fromCarried(ref);
    expect(s.onKrayinChange({ leadId: 3, updatedAt: '2026-12-07T08:00:09.000000Z' }, 50)).toBe(true);
    expect(s.onKrayinChange({ leadId: 4, updatedAt: '2026-12-07T08:00:10.000000Z' }, 60)).toBe(true);
    const next = ContactSyncState.fromCarried(ref, JSON.parse(JSON.stringify(s.toCarried())));
    expect(next.hasWork()).toBe(true);
    expect(next.takeWork()).toEqual({ force: false, background: false, conversations: [], krayinLeadId: 4 });
    expect(next.takeWork()).toEqual({ force: false, background: false, conversations: [] });
    expect(next.status().twoWay).toEqual({ krayinChanges: 2, krayinLeadChanges: 2, conflicts: [] });
  });

  it("hands on the latest live webhook's time only while two-way sync is on (backfill events are not changes)", () => {
    const s = ContactSyncState.fromCarried(ref);
    s.onEvent(webhook('a', '2026-12-07T08:00:02.000Z'), 1);
    s.onEvent(webhook('b', '2026-12-07T08:00:01.000Z'), 2);
    s.onEvent(webhook('c', '2026-12-07T08:00:09.000Z', 'backfill_contact'), 3);
    expect(s.takeWork()).not.toHaveProperty('chatwootChangedAt');
    expect(s.status()).not.toHaveProperty('twoWay');

    s.twoWayOn = true;
    s.onEvent(webhook('d', '2026-12-07T08:00:02.000Z'), 4);
    s.onEvent(webhook('e', '2026-12-07T08:00:03.000Z'), 5);
    expect(s.takeWork()).toMatchObject({ chatwootChangedAt: '2026-12-07T08:00:03.000Z' });
    expect(s.takeWork()).not.toHaveProperty('chatwootChangedAt');
  });

  it("takes a webhook's own change time over its arrival once the chatwoot-change-time patch is on", () => {
    const s = ContactSyncState.fromCarried(ref);
    s.twoWayOn = true;
    const saved = (deliveryId: string, receivedAt: string, changedAt: string) => ({
      ...webhook(deliveryId, receivedAt),
      changedAt,
    });
    // Unpatched (a history from before): the arrival time, whatever the event says.
    s.onEvent(saved('a', '2026-12-07T08:00:09.000Z', '2026-12-07T08:00:01.000Z'), 1);
    expect(s.takeWork()).toMatchObject({ chatwootChangedAt: '2026-12-07T08:00:09.000Z' });
    // Patched: the save time; the latest of the round wins; an event without one falls back to its arrival.
    s.onEvent(saved('b', '2026-12-07T08:00:09.000Z', '2026-12-07T08:00:01.000Z'), 2, true);
    s.onEvent(saved('c', '2026-12-07T08:00:10.000Z', '2026-12-07T08:00:02.000Z'), 3, true);
    expect(s.takeWork()).toMatchObject({ chatwootChangedAt: '2026-12-07T08:00:02.000Z' });
    s.onEvent(webhook('d', '2026-12-07T08:00:11.000Z'), 4, true);
    expect(s.takeWork()).toMatchObject({ chatwootChangedAt: '2026-12-07T08:00:11.000Z' });
  });

  it('keeps the last few conflicts, and carries everything across continue-as-new', () => {
    const s = ContactSyncState.fromCarried(ref);
    for (let i = 0; i < RECENT_CONFLICTS + 2; i++) s.onConflicts([conflict(i)]);
    expect(s.status().twoWay?.conflicts.map((c) => c.chatwoot)).toEqual(['c2', 'c3', 'c4', 'c5', 'c6']);
    s.onKrayinChange({ personId: 9, updatedAt: '2026-12-07T08:00:05.000000Z' }, 1);
    const next = ContactSyncState.fromCarried(ref, JSON.parse(JSON.stringify(s.toCarried())));
    expect(next.status().twoWay).toEqual(s.status().twoWay);
    expect(next.hasWork()).toBe(true);
    expect(next.takeWork()).toMatchObject({ krayinPersonUpdatedAt: '2026-12-07T08:00:05.000000Z' });
  });

  it('carries nothing new for a contact that never took part in two-way sync', () => {
    const s = ContactSyncState.fromCarried(ref);
    s.onEvent(webhook('a', '2026-12-07T08:00:02.000Z'), 1);
    expect(s.toCarried()).not.toHaveProperty('twoWay');
  });
});
