import {
  CHECKPOINT_MARGIN_MS,
  compareContact,
  conversationHasNews,
  cutAtCheckpoint,
  missingLinkedIds,
  readCheckpoint,
  stopBeforeSec,
} from '../../src/reconcile/compare';
import type { SyncState } from '../../src/store/types';

function state(patch: Partial<SyncState>): SyncState {
  return {
    connectionId: 'default',
    contactId: 1,
    status: 'synced',
    lastHash: 'h1',
    lastSyncedAt: new Date(0),
    parkReason: null,
    parkedAt: null,
    note: null,
    updatedAt: new Date(0),
    ...patch,
  };
}
const linked = { personId: 10, leadId: 20 };
const sync = (hash: string, leadExpected = true) => ({ kind: 'sync' as const, hash, leadExpected });

describe('compareContact', () => {
  it('a contact the store never saw differs', () => {
    expect(compareContact(sync('h1'), null, null)).toBe('differs');
  });

  it('same hash, synced and fully linked: unchanged (no signal, no Krayin call)', () => {
    expect(compareContact(sync('h1'), state({}), linked)).toBe('unchanged');
  });

  it('an edit without a webhook (another hash) differs', () => {
    expect(compareContact(sync('h2'), state({}), linked)).toBe('differs');
  });

  it('a missing person link or an expected but missing lead differs', () => {
    expect(compareContact(sync('h1'), state({}), { personId: null, leadId: null })).toBe('differs');
    expect(compareContact(sync('h1'), state({}), { personId: 10, leadId: null })).toBe('differs');
    expect(compareContact(sync('h1', false), state({}), { personId: 10, leadId: null })).toBe('unchanged');
  });

  it('a sync left pending (crash, Krayin down) differs', () => {
    expect(compareContact(sync('h1'), state({ status: 'pending' }), linked)).toBe('differs');
  });

  it('parked and failed contacts are left to retry-parked or new data', () => {
    expect(compareContact(sync('h2'), state({ status: 'parked' }), linked)).toBe('parked');
    expect(compareContact(sync('h2'), state({ status: 'failed' }), linked)).toBe('parked');
  });

  it('a skipped contact is unchanged while the reason is the same', () => {
    const skipped = state({ status: 'skipped', note: 'waiting for an email address' });
    expect(compareContact({ kind: 'skip', note: 'waiting for an email address' }, skipped, null)).toBe('unchanged');
    expect(compareContact({ kind: 'skip', note: 'another reason' }, skipped, null)).toBe('differs');
    expect(compareContact(sync('h1'), skipped, null)).toBe('differs');
  });

  it('a contact that maps to invalid data now differs (its workflow parks it, without a Krayin call)', () => {
    expect(compareContact({ kind: 'invalid' }, state({}), linked)).toBe('differs');
  });
});

describe('conversationHasNews', () => {
  const written = new Date('2026-12-07T10:00:00.500Z');
  const sec = Math.floor(written.getTime() / 1000);
  it('a conversation never stored has news', () => expect(conversationHasNews(sec - 100, null)).toBe(true));
  it('activity before our last write: no news', () => expect(conversationHasNews(sec - 1, written)).toBe(false));
  it('activity in the same second or later: news', () => {
    expect(conversationHasNews(sec, written)).toBe(true);
    expect(conversationHasNews(sec + 5, written)).toBe(true);
  });
});

describe('incremental checkpoint', () => {
  it('stops a margin before the last pass started, in epoch seconds', () => {
    const start = '2026-12-07T10:00:00.000Z';
    expect(stopBeforeSec(start)).toBe(Math.floor((Date.parse(start) - CHECKPOINT_MARGIN_MS) / 1000));
    expect(stopBeforeSec(null)).toBeNull();
    expect(stopBeforeSec('garbage')).toBeNull();
  });

  it('cuts a newest-first page at the first item older than the checkpoint', () => {
    const items = [{ t: 50 }, { t: null }, { t: 40 }, { t: 9 }, { t: 30 }];
    expect(cutAtCheckpoint(items, (i) => i.t, 10)).toEqual({
      keep: [{ t: 50 }, { t: null }, { t: 40 }],
      reachedCheckpoint: true,
    });
  });

  it('items without a time never end the scan; no checkpoint keeps everything', () => {
    const items = [{ t: null }, { t: undefined }];
    expect(cutAtCheckpoint(items, (i) => i.t, 10)).toEqual({ keep: items, reachedCheckpoint: false });
    expect(cutAtCheckpoint([{ t: 1 }], (i) => i.t, null)).toEqual({ keep: [{ t: 1 }], reachedCheckpoint: false });
  });

  it('reads stored checkpoints defensively', () => {
    expect(readCheckpoint(null)).toEqual({ lastPassStartedAt: null, lastFullPassStartedAt: null });
    expect(readCheckpoint({ lastPassStartedAt: 'x', lastFullPassStartedAt: '2026-12-07T10:00:00Z' })).toEqual({
      lastPassStartedAt: null,
      lastFullPassStartedAt: '2026-12-07T10:00:00Z',
    });
  });
});

describe('missingLinkedIds', () => {
  it('linked contacts in the page range that the page did not list', () => {
    expect(missingLinkedIds([3, 5, 8, 9], [1, 2, 3, 4, 6, 7, 8])).toEqual([5, 9]);
    expect(missingLinkedIds([], [1])).toEqual([]);
  });
});
