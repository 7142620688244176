import type { ContactEventSignalPayload as ContactEvent, SyncOutcome } from '../../workflows/api';
import { KrayinLeadIdKey, KrayinPersonIdKey, LastSyncedAtKey, SyncStatusKey } from '../../workflows/search-attributes';
import { ContactSyncState } from '../../workflows/contact-state';

const ref = { connectionId: 'default', contactId: 7 };
const event = (deliveryId: string, conversationId?: number): ContactEvent => ({
  deliveryId,
  event: conversationId === undefined ? 'contact_updated' : 'conversation_updated',
  receivedAt: '2026-01-01T00:00:00.000Z',
  ...(conversationId === undefined ? {} : { conversationId }),
});
const synced: SyncOutcome = { kind: 'synced', personId: 11, leadId: 22, organizationId: 33 };
const parked: SyncOutcome = { kind: 'parked', reason: { kind: 'validation', message: 'Krayin rejected emails' } };
const now = new Date('2026-01-01T00:00:01.000Z');

describe('ContactSyncState', () => {
  it('starts pending, with no work and zero counters', () => {
    const s = ContactSyncState.fromCarried(ref);
    expect(s.hasWork()).toBe(false);
    expect(s.status()).toEqual({
      ...ref,
      status: 'idle',
      syncStatus: 'pending',
      parkReason: null,
      lastOutcome: null,
      syncCount: 0,
      eventsReceived: 0,
      duplicatesIgnored: 0,
    });
  });

  it('an event is work; the same delivery again is counted and ignored', () => {
    const s = ContactSyncState.fromCarried(ref);
    expect(s.onEvent(event('d1'), 100)).toBe(true);
    expect(s.onEvent(event('d1'), 200)).toBe(false);
    expect(s.hasWork()).toBe(true);
    expect(s.lastEventAt).toBe(100);
    expect(s.status()).toMatchObject({ eventsReceived: 1, duplicatesIgnored: 1 });
  });

  it('takeWork hands over the conversations with news and the retry flag once', () => {
    const s = ContactSyncState.fromCarried(ref);
    s.onEvent(event('d1', 5), 1);
    s.onEvent(event('d2', 3), 2);
    s.onEvent(event('d3', 5), 3);
    s.onRetry(4);
    expect(s.lastEventAt).toBe(4);
    expect(s.details().pendingConversations).toEqual([5, 3]);
    expect(s.takeWork()).toEqual({ force: true, background: false, conversations: [5, 3] });
    expect(s.hasWork()).toBe(false);
    expect(s.takeWork()).toEqual({ force: false, background: false, conversations: [] });
  });

  it('a round made only of backfill events is background work; a webhook or a retry makes it live', () => {
    const backfill = (deliveryId: string, conversationId?: number): ContactEvent => ({
      ...event(deliveryId, conversationId),
      event: conversationId === undefined ? 'backfill_contact' : 'backfill_conversation',
    });
    const s = ContactSyncState.fromCarried(ref);
    s.onEvent(backfill('b1'), 1);
    s.onEvent(backfill('b2', 8), 2);
    expect(s.takeWork()).toMatchObject({ background: true, conversations: [8] });

    s.onEvent(backfill('b3'), 3);
    s.onEvent(event('live1'), 4);
    expect(s.takeWork().background).toBe(false);
    // The next round starts over: background again if only backfill events come.
    s.onEvent(backfill('b4'), 5);
    expect(s.takeWork().background).toBe(true);

    s.onEvent(backfill('b5'), 6);
    s.onRetry(7);
    expect(s.takeWork().background).toBe(false);

    // Carried across continue-as-new; a run carried by older code with pending work counts as live.
    s.onEvent(event('live2'), 8);
    const next = ContactSyncState.fromCarried(ref, JSON.parse(JSON.stringify(s.toCarried())));
    expect(next.takeWork().background).toBe(false);
    const old = ContactSyncState.fromCarried(ref, { ...s.toCarried(), livePending: undefined });
    expect(old.takeWork().background).toBe(false);
  });

  it('a conversation whose lead is gone is work for the next round', () => {
    const s = ContactSyncState.fromCarried(ref);
    s.onLeadGone(9);
    expect(s.hasWork()).toBe(true);
    expect(s.takeWork().conversations).toEqual([9]);
  });

  it('synced: status, Krayin ids and all four search attributes', () => {
    const s = ContactSyncState.fromCarried(ref);
    expect(s.applyOutcome(synced, now)).toEqual([
      { key: SyncStatusKey, value: 'synced' },
      { key: KrayinPersonIdKey, value: '11' },
      { key: KrayinLeadIdKey, value: '22' },
      { key: LastSyncedAtKey, value: now },
    ]);
    expect(s.status()).toMatchObject({ syncStatus: 'synced', syncCount: 1, lastOutcome: synced });
    expect(s.details().krayin).toEqual({ personId: 11, leadId: 22, organizationId: 33 });
  });

  it('parked keeps the reason; unchanged then clears it, and a second unchanged updates nothing', () => {
    const s = ContactSyncState.fromCarried(ref);
    expect(s.applyOutcome(parked, now)).toEqual([{ key: SyncStatusKey, value: 'parked' }]);
    expect(s.status()).toMatchObject({ syncStatus: 'parked', parkReason: parked.reason });
    expect(s.applyOutcome({ kind: 'unchanged' }, now)).toEqual([{ key: SyncStatusKey, value: 'synced' }]);
    expect(s.status()).toMatchObject({ syncStatus: 'synced', parkReason: null, syncCount: 2 });
    expect(s.applyOutcome({ kind: 'unchanged' }, now)).toEqual([]);
  });

  it('failed is its own status; gone and skipped read as skipped', () => {
    const s = ContactSyncState.fromCarried(ref);
    s.applyOutcome({ kind: 'failed', reason: { kind: 'internal', message: 'boom' } }, now);
    expect(s.status().syncStatus).toBe('failed');
    expect(s.applyOutcome({ kind: 'gone' }, now)).toEqual([{ key: SyncStatusKey, value: 'skipped' }]);
    expect(s.status()).toMatchObject({ syncStatus: 'skipped', parkReason: null });
    s.applyOutcome({ kind: 'skipped', note: 'no email' }, now);
    expect(s.status().syncStatus).toBe('skipped');
  });

  it('an unchanged plan shows the stored links as the Krayin records', () => {
    const s = ContactSyncState.fromCarried(ref);
    s.onLinksSeen({ personId: 1, leadId: null, organizationId: 2 });
    expect(s.details().krayin).toEqual({ personId: 1, leadId: null, organizationId: 2 });
  });

  it('toCarried -> fromCarried keeps everything the next run needs', () => {
    const s = ContactSyncState.fromCarried(ref);
    s.onEvent(event('d1'), 1);
    s.onEvent(event('d1'), 2);
    s.applyOutcome(parked, now);
    s.onEvent(event('d2', 4), 3);
    s.onRetry(5);
    const carried = s.toCarried();
    const next = ContactSyncState.fromCarried(ref, JSON.parse(JSON.stringify(carried)));
    expect(next.toCarried()).toEqual(carried);
    expect(next.status()).toEqual({ ...s.status(), status: 'idle' });
    expect(next.onEvent(event('d1'), 6)).toBe(false);
    expect(next.takeWork()).toEqual({ force: true, background: false, conversations: [4] });
  });

  it('a run carried by older code (no krayinIds, no dirty conversations) derives them', () => {
    const s = ContactSyncState.fromCarried(ref, {
      recentDeliveries: [],
      pending: false,
      retryRequested: false,
      parkReason: null,
      syncStatus: 'synced',
      lastOutcome: synced,
      syncCount: 3,
      eventsReceived: 3,
      duplicatesIgnored: 0,
    });
    expect(s.details().krayin).toEqual({ personId: 11, leadId: 22, organizationId: 33 });
    expect(s.takeWork().conversations).toEqual([]);
  });
});
