/**
 * The backfill's decisions, as pure functions: what a listed contact needs (nothing, or its workflow),
 * and what a handed-over contact's outcome was, read from the audit log entries its sync left behind
 * (activities/store/outcomes.ts writes `sync.*`, activities/krayin/person.ts writes `person.*`).
 * Unit-tested in test/unit/backfill-outcomes.test.ts.
 */
import type { PlannedContact } from '../reconcile/compare';
import type { AuditRecord, ContactLink, SyncState } from '../store/types';
import type { BackfillOutcome, LinkKey } from '../../workflows/backfill-api';

export interface ContactOutcome {
  outcome: BackfillOutcome;
  /** PII-free: a note, a park reason kind, a key name. */
  reason: string;
  linkKey?: LinkKey;
}

/** Park reasons that mean "the data cannot be written as it is": counted as failed validation. */
const INVALID_KINDS = new Set(['validation', 'mapping']);

/** The outcome of a stored parked/failed state. */
export function parkedOutcome(state: Pick<SyncState, 'status' | 'parkReason'>): ContactOutcome {
  const kind = state.parkReason?.kind ?? 'internal';
  return {
    outcome: state.status === 'parked' && INVALID_KINDS.has(kind) ? 'invalid' : 'failed',
    reason: `${state.status}: ${kind}`,
  };
}

/**
 * A listed contact, before anything is handed over: settled already (in sync, skipped the same way,
 * parked and left alone as the reconciliation does), or `dispatch` (its workflow must look at it).
 */
export function settledBeforeDispatch(
  planned: PlannedContact,
  state: SyncState | null,
  link: Pick<ContactLink, 'personId' | 'leadId'> | null,
): ContactOutcome | 'dispatch' {
  if (!state || state.status === 'pending') return 'dispatch';
  if (state.status === 'parked' || state.status === 'failed') return parkedOutcome(state);
  switch (planned.kind) {
    case 'skip':
      return state.status === 'skipped' && state.note === planned.note
        ? { outcome: 'skipped', reason: planned.note }
        : 'dispatch';
    case 'invalid':
      return 'dispatch';
    case 'sync': {
      const linked = link?.personId != null && (!planned.leadExpected || link.leadId != null);
      return state.status === 'synced' && state.lastHash === planned.hash && linked
        ? { outcome: 'unchanged', reason: 'in sync' }
        : 'dispatch';
    }
  }
}

/**
 * The outcome of a handed-over contact from its audit entries after the backfill's watermark (oldest
 * first), or null while no sync has ended yet. The last `sync.*` entry ends it; the `person.*` entries
 * before it say whether the person was created, linked or updated.
 */
export function outcomeFromAudit(entries: Pick<AuditRecord, 'action' | 'detail'>[]): ContactOutcome | null {
  let endIndex = -1;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i]!.action.startsWith('sync.')) {
      endIndex = i;
      break;
    }
  }
  if (endIndex < 0) return null;
  const end = entries[endIndex]!;
  const before = entries.slice(0, endIndex + 1).map((e) => e.action);
  switch (end.action) {
    case 'sync.synced': {
      if (before.includes('person.created')) return { outcome: 'created', reason: 'new person' };
      const linked = entries.slice(0, endIndex).find((e) => e.action === 'person.linked');
      if (linked) {
        // The key is counted only when the entry names it (activities/krayin/person.ts decides what it writes).
        const by = linked.detail?.by;
        if (by === 'phone' || by === 'email')
          return { outcome: 'linked', reason: `existing person by ${by}`, linkKey: by };
        return { outcome: 'linked', reason: 'existing person' };
      }
      return { outcome: 'updated', reason: before.includes('person.updated') ? 'person updated' : 'lead or links' };
    }
    case 'sync.skipped': {
      const note = typeof end.detail?.note === 'string' ? end.detail.note : 'by policy';
      return { outcome: 'skipped', reason: note };
    }
    case 'sync.gone':
      return { outcome: 'skipped', reason: 'deleted in Chatwoot' };
    case 'sync.parked':
    case 'sync.failed': {
      const kind = typeof end.detail?.kind === 'string' ? end.detail.kind : 'internal';
      return parkedOutcome({
        status: end.action === 'sync.parked' ? 'parked' : 'failed',
        parkReason: { kind: kind as never, message: '' },
      });
    }
    default:
      return null;
  }
}

/**
 * A handed-over contact with no `sync.*` entry after the watermark for a long time: its workflow found
 * nothing to do (a live event synced it first). The stored state says what it is; null = still pending.
 */
export function outcomeFromState(state: SyncState | null): ContactOutcome | null {
  if (!state || state.status === 'pending') return null;
  if (state.status === 'parked' || state.status === 'failed') return parkedOutcome(state);
  if (state.status === 'skipped') return { outcome: 'skipped', reason: state.note ?? 'by policy' };
  return { outcome: 'unchanged', reason: 'in sync' };
}

/** `--since YYYY-MM-DD` as epoch seconds (UTC midnight), or null. Throws on anything else. */
export function sinceEpochSec(since: string | undefined): number | null {
  if (since === undefined) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new RangeError(`--since must be YYYY-MM-DD, got "${since}"`);
  const t = Date.parse(`${since}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`--since is not a date: "${since}"`);
  return Math.floor(t / 1000);
}
