/**
 * The backfill's pure rules: what a listed contact needs before anything is handed over, how a handed-over
 * contact's outcome is read from the audit entries its sync wrote, and how counts, rate and ETA add up.
 */
import { outcomeFromAudit, outcomeFromState, settledBeforeDispatch, sinceEpochSec } from '../../src/backfill/outcomes';
import type { SyncState } from '../../src/store/types';
import {
  addOutcome,
  doneOf,
  EXAMPLES_PER_OUTCOME,
  rateAndEta,
  ZERO_BACKFILL_COUNTS,
  type BackfillExamples,
} from '../../workflows/backfill-api';

function state(extra: Partial<SyncState>): SyncState {
  return {
    connectionId: 'c',
    contactId: 1,
    status: 'synced',
    lastHash: 'h1',
    lastSyncedAt: new Date(),
    parkReason: null,
    parkedAt: null,
    note: null,
    updatedAt: new Date(),
    ...extra,
  };
}

const sync = { kind: 'sync', hash: 'h1', leadExpected: false } as const;
const linked = { personId: 7, leadId: null };

describe('settledBeforeDispatch', () => {
  it('a contact never synced, or pending, goes to its workflow', () => {
    expect(settledBeforeDispatch(sync, null, null)).toBe('dispatch');
    expect(settledBeforeDispatch(sync, state({ status: 'pending' }), linked)).toBe('dispatch');
  });

  it('same hash, linked: unchanged (no Krayin call); another hash or no link: dispatch', () => {
    expect(settledBeforeDispatch(sync, state({}), linked)).toEqual({ outcome: 'unchanged', reason: 'in sync' });
    expect(settledBeforeDispatch({ ...sync, hash: 'h2' }, state({}), linked)).toBe('dispatch');
    expect(settledBeforeDispatch(sync, state({}), null)).toBe('dispatch');
    expect(settledBeforeDispatch({ ...sync, leadExpected: true }, state({}), linked)).toBe('dispatch');
  });

  it('skipped the same way: skipped without a hand-over; another note: dispatch', () => {
    const skip = { kind: 'skip', note: 'no email' } as const;
    expect(settledBeforeDispatch(skip, state({ status: 'skipped', note: 'no email' }), null)).toEqual({
      outcome: 'skipped',
      reason: 'no email',
    });
    expect(settledBeforeDispatch(skip, state({ status: 'skipped', note: 'other' }), null)).toBe('dispatch');
  });

  it('parked contacts are left alone: validation counts as invalid, the rest as failed', () => {
    const parked = state({ status: 'parked', parkReason: { kind: 'validation', message: 'x' } });
    expect(settledBeforeDispatch(sync, parked, linked)).toEqual({ outcome: 'invalid', reason: 'parked: validation' });
    const auth = state({ status: 'parked', parkReason: { kind: 'auth', message: 'x' } });
    expect(settledBeforeDispatch(sync, auth, linked)).toMatchObject({ outcome: 'failed' });
    const failed = state({ status: 'failed', parkReason: { kind: 'validation', message: 'x' } });
    expect(settledBeforeDispatch(sync, failed, linked)).toMatchObject({ outcome: 'failed' });
  });
});

describe('outcomeFromAudit', () => {
  const e = (action: string, detail?: Record<string, unknown>) => ({ action, detail });

  it('no sync.* entry yet: not settled', () => {
    expect(outcomeFromAudit([])).toBeNull();
    expect(outcomeFromAudit([e('person.created', { personId: 1 })])).toBeNull();
  });

  it('created, linked (by the key the entry names), updated', () => {
    expect(outcomeFromAudit([e('person.created'), e('lead.created'), e('sync.synced')])).toMatchObject({
      outcome: 'created',
    });
    // Without the key in the entry, linked is counted without one (never guessed).
    expect(outcomeFromAudit([e('person.linked'), e('sync.synced')])).toEqual({
      outcome: 'linked',
      reason: 'existing person',
    });
    expect(outcomeFromAudit([e('person.linked', { by: 'phone' }), e('sync.synced')])).toMatchObject({
      outcome: 'linked',
      linkKey: 'phone',
    });
    expect(outcomeFromAudit([e('person.updated'), e('sync.synced')])).toMatchObject({
      outcome: 'updated',
    });
    expect(outcomeFromAudit([e('sync.synced')])).toMatchObject({ outcome: 'updated' });
  });

  it('skipped, gone, parked on validation (invalid) or other reasons (failed)', () => {
    expect(outcomeFromAudit([e('sync.skipped', { note: 'no email' })])).toEqual({
      outcome: 'skipped',
      reason: 'no email',
    });
    expect(outcomeFromAudit([e('sync.gone')])).toMatchObject({ outcome: 'skipped' });
    expect(outcomeFromAudit([e('sync.parked', { kind: 'validation' })])).toMatchObject({
      outcome: 'invalid',
    });
    expect(outcomeFromAudit([e('sync.parked', { kind: 'auth' })])).toMatchObject({ outcome: 'failed' });
    expect(outcomeFromAudit([e('sync.failed', { kind: 'internal' })])).toMatchObject({
      outcome: 'failed',
    });
  });

  it('a parked round then a later successful one: the last sync.* entry decides', () => {
    expect(outcomeFromAudit([e('sync.parked', { kind: 'auth' }), e('person.created'), e('sync.synced')])).toMatchObject(
      { outcome: 'created' },
    );
  });
});

describe('outcomeFromState (a handed-over contact that left no entry)', () => {
  it('pending or unknown: still waiting; synced: unchanged; skipped and parked as stored', () => {
    expect(outcomeFromState(null)).toBeNull();
    expect(outcomeFromState(state({ status: 'pending' }))).toBeNull();
    expect(outcomeFromState(state({}))).toMatchObject({ outcome: 'unchanged' });
    expect(outcomeFromState(state({ status: 'skipped', note: 'no email' }))).toMatchObject({ outcome: 'skipped' });
    expect(outcomeFromState(state({ status: 'parked', parkReason: { kind: 'mapping', message: '' } }))).toMatchObject({
      outcome: 'invalid',
    });
  });
});

describe('counts, examples, rate and ETA', () => {
  it('adds outcomes, the link key, and keeps at most 20 examples per outcome (none for unchanged)', () => {
    let counts = { ...ZERO_BACKFILL_COUNTS };
    let examples: BackfillExamples = {};
    for (let i = 0; i < 25; i++)
      ({ counts, examples } = addOutcome(counts, examples, { contactId: i, outcome: 'created', reason: 'new' }));
    ({ counts, examples } = addOutcome(counts, examples, {
      contactId: 99,
      outcome: 'linked',
      reason: 'x',
      linkKey: 'phone',
    }));
    ({ counts, examples } = addOutcome(counts, examples, { contactId: 100, outcome: 'unchanged', reason: 'x' }));
    expect(counts).toMatchObject({ created: 25, linked: 1, linkedByPhone: 1, linkedByEmail: 0, unchanged: 1 });
    expect(examples.created).toHaveLength(EXAMPLES_PER_OUTCOME);
    expect(examples.linked).toEqual([{ contactId: 99, reason: 'x' }]);
    expect(examples.unchanged).toBeUndefined();
    expect(doneOf(counts)).toBe(27);
  });

  it('rate per minute and ETA from the elapsed time', () => {
    expect(rateAndEta(0, 100, 1000)).toEqual({ ratePerMin: 0, etaSeconds: null });
    expect(rateAndEta(30, 90, 60_000)).toEqual({ ratePerMin: 30, etaSeconds: 120 });
  });

  it('--since must be a day', () => {
    expect(sinceEpochSec(undefined)).toBeNull();
    expect(sinceEpochSec('2026-01-02')).toBe(Date.UTC(2026, 0, 2) / 1000);
    expect(() => sinceEpochSec('yesterday')).toThrow(/YYYY-MM-DD/);
  });
});
