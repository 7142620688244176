/**
 * The Krayin poll's periodic id scan (docs/two-way-sync.md, "The id scan"), run by krayinPollWorkflow
 * after its poll when a pass is due or under way:
 *
 *   page persons by id (Krayin queue, background priority) -> linked persons Krayin deleted go to the
 *   Krayin-deleted path of the reconciliation (reconcileKrayinMissing), changed ones to their contact's
 *   workflow (handKrayinChanges) -> the same for leads (deletions only) -> the pass is done
 *
 * A step is one activity of at most SCAN_PAGES_PER_ACTIVITY pages; steps follow each other until the pass
 * is done, a poll is asked for, or the poll interval has passed (then the poll runs and the pass resumes).
 * The cursor is carried across continue-as-new. A failed step moves nothing: the same pages are read again.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { KrayinActivities, ReconcileActivities, TwoWayActivities } from '../activities';
import {
  advancePass,
  SCAN_PAGES_PER_ACTIVITY,
  scanRunKey,
  startPass,
  type KrayinScanCursor,
  type ScanFigures,
} from '../src/two-way/id-scan';
import { krayinTaskQueue } from './api';
import { KRAYIN_RETRY, STORE_RETRY } from './failures';

/** What the poll's status query shows of the scan (ids and counts only). */
export interface KrayinScanStatus {
  /** Passes started by this poll workflow (all runs). */
  passes: number;
  /** The pass under way: its figures so far; null between passes. */
  current: ScanFigures | null;
  /** The last finished pass. */
  last: (ScanFigures & { finishedAt: string }) | null;
  /** Scan steps that failed in this run; the last one's message (null after a success). */
  failures: number;
  lastFailure: string | null;
}

export function scanStatusOf(cursor: KrayinScanCursor, failures: number, lastFailure: string | null): KrayinScanStatus {
  return {
    passes: cursor.passes,
    current: cursor.pass ? cursor.pass.figures : null,
    last: cursor.last ? { ...cursor.last, finishedAt: new Date(cursor.last.finishedAt).toISOString() } : null,
    failures,
    lastFailure,
  };
}

export interface ScanRound {
  cursor: KrayinScanCursor;
  steps: number;
  failure: string | null;
  /** The scan (or two-way sync) was switched off meanwhile: nothing more to do until it is on again. */
  off: boolean;
}

/**
 * Runs scan steps from `cursor` (starting a pass when none is under way) until the pass is done, `stop()`
 * says a poll is due, or `maxSteps` steps ran. Never throws: a failure is returned with the cursor as it
 * was before the failed step.
 */
export async function runScanSteps(
  connectionId: string,
  cursor: KrayinScanCursor,
  stop: () => boolean,
  maxSteps: number,
): Promise<ScanRound> {
  const krayin = proxyActivities<Pick<KrayinActivities, 'scanKrayinIds'>>({
    taskQueue: krayinTaskQueue(workflowInfo().taskQueue, connectionId),
    startToCloseTimeout: '5m',
    // Like the poll: a few tries, then the loop's next round reads the same pages again.
    retry: { ...KRAYIN_RETRY, maximumAttempts: 3 },
  });
  const main = proxyActivities<Pick<TwoWayActivities, 'handKrayinChanges'>>({
    startToCloseTimeout: '1m',
    retry: STORE_RETRY,
  });
  const deletions = proxyActivities<Pick<ReconcileActivities, 'reconcileKrayinMissing'>>({
    startToCloseTimeout: '1m',
    retry: STORE_RETRY,
  });

  let steps = 0;
  let off = false;
  try {
    while (steps < maxSteps) {
      cursor = startPass(cursor, Date.now());
      const pass = cursor.pass!;
      const r = await krayin.scanKrayinIds({
        connectionId,
        priority: 'background',
        kind: pass.kind,
        page: pass.page,
        afterId: pass.afterId,
        maxPages: SCAN_PAGES_PER_ACTIVITY,
      });
      steps++;
      if (!r.enabled) {
        off = true; // switched off meanwhile: the pass resumes if it is switched on again
        break;
      }
      let deleted = 0;
      if (r.missing.length > 0) {
        const handled = await deletions.reconcileKrayinMissing({
          connectionId,
          kind: pass.kind,
          ids: r.missing,
          runKey: scanRunKey(workflowInfo().firstExecutionRunId, pass.number),
        });
        deleted = handled.counts.krayinDeletedFound ?? 0;
      }
      if (r.changes.length > 0) {
        await main.handKrayinChanges({ connectionId, changes: r.changes, watermarks: { persons: null, leads: null } });
      }
      const step = { page: r.page, afterId: r.afterId, kindDone: r.kindDone, figures: { ...r.figures, deleted } };
      cursor = advancePass(cursor, step, Date.now());
      if (!cursor.pass || stop()) break;
    }
    return { cursor, steps, failure: null, off };
  } catch (err) {
    const failure =
      err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : 'scan failed';
    return { cursor, steps, failure, off };
  }
}
