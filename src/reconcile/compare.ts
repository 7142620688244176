/**
 * The reconciliation's decisions, as pure functions: is a listed contact or conversation different from
 * what the store says was last synced, and where does an incremental scan stop. A "difference" is only
 * a hint: the contact's own workflow compares again before writing, so a false positive costs a
 * Chatwoot read and no Krayin call, while a false negative would leave Krayin stale. Ties go to "differs".
 */
import type { ContactLink, SyncState } from '../store/types';

/** The contact as the plan would map it now (the activity computes the same hash the plan stores). */
export type PlannedContact =
  { kind: 'sync'; hash: string; leadExpected: boolean } | { kind: 'skip'; note: string } | { kind: 'invalid' };

export type ContactVerdict = 'differs' | 'unchanged' | 'parked';

/**
 * Parked and failed contacts are left alone: they resume on new data (a webhook) or `retry-parked`, and
 * re-sending them every pass would repeat a Krayin write that is known to fail.
 */
export function compareContact(
  planned: PlannedContact,
  state: SyncState | null,
  link: Pick<ContactLink, 'personId' | 'leadId'> | null,
): ContactVerdict {
  if (!state) return 'differs';
  if (state.status === 'parked' || state.status === 'failed') return 'parked';
  if (state.status === 'pending') return 'differs';
  switch (planned.kind) {
    case 'skip':
      return state.status === 'skipped' && state.note === planned.note ? 'unchanged' : 'differs';
    case 'invalid':
      return 'differs';
    case 'sync': {
      const linked = link?.personId != null && (!planned.leadExpected || link.leadId != null);
      return state.status === 'synced' && state.lastHash === planned.hash && linked ? 'unchanged' : 'differs';
    }
  }
}

/**
 * A conversation has news when the store never saw it, or Chatwoot's last activity is not older than our
 * last write of its link (seconds vs milliseconds: same-second activity counts as news, at worst one
 * extra no-op round).
 */
export function conversationHasNews(lastActivityAtSec: number, linkUpdatedAt: Date | null): boolean {
  if (linkUpdatedAt === null) return true;
  return lastActivityAtSec >= Math.floor(linkUpdatedAt.getTime() / 1000);
}

/** Margin before the last pass's start, so clock skew between us and Chatwoot cannot open a gap. */
export const CHECKPOINT_MARGIN_MS = 10 * 60_000;

/**
 * Where an incremental scan stops (epoch seconds): items older than this were covered by the last
 * completed pass. null = no completed pass yet, scan everything.
 */
export function stopBeforeSec(lastPassStartedAt: string | null): number | null {
  if (lastPassStartedAt === null) return null;
  const t = Date.parse(lastPassStartedAt);
  return Number.isNaN(t) ? null : Math.floor((t - CHECKPOINT_MARGIN_MS) / 1000);
}

/**
 * In a list sorted newest first, the items to look at and whether the scan is done. Items without a
 * time (never active) are kept and never end the scan, whichever end of the list Chatwoot sorts them to.
 */
export function cutAtCheckpoint<T>(
  items: T[],
  timeOf: (item: T) => number | null | undefined,
  stopBefore: number | null,
): { keep: T[]; reachedCheckpoint: boolean } {
  if (stopBefore === null) return { keep: items, reachedCheckpoint: false };
  const keep: T[] = [];
  for (const item of items) {
    const t = timeOf(item);
    if (t != null && t < stopBefore) return { keep, reachedCheckpoint: true };
    keep.push(item);
  }
  return { keep, reachedCheckpoint: false };
}

/**
 * Linked contacts a full-pass page should have shown but did not (deleted, merged away, or no longer
 * listable): linked ids in (previous max, this page's max] that are not on the page. The full pass sorts
 * by created_at, which follows the id; an out-of-order id only costs one extra GET.
 */
export function missingLinkedIds(linkedInRange: number[], pageIds: number[]): number[] {
  const seen = new Set(pageIds);
  return linkedInRange.filter((id) => !seen.has(id));
}

/** The store cursor of a connection's reconciliation (sync_cursors name). */
export const RECONCILE_CURSOR = 'reconcile';

export interface ReconcileCheckpoint {
  /** Start of the last completed pass of either kind (ISO): the next incremental pass stops there. */
  lastPassStartedAt: string | null;
  lastFullPassStartedAt: string | null;
}

/** Reads a stored checkpoint defensively (the JSON may come from an older version or be edited). */
export function readCheckpoint(value: unknown): ReconcileCheckpoint {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const iso = (x: unknown) => (typeof x === 'string' && !Number.isNaN(Date.parse(x)) ? x : null);
  return { lastPassStartedAt: iso(v.lastPassStartedAt), lastFullPassStartedAt: iso(v.lastFullPassStartedAt) };
}
