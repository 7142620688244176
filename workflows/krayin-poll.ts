/**
 * The Krayin poll of one connection (`krayin-poll:<connection>`, docs/two-way-sync.md): Krayin can tell
 * nobody what changed (no "updated since", its webhooks carry no ids), so this loop asks it:
 *
 *   wait for the interval or a poll-now hint -> list persons and leads changed since the watermark
 *   (Krayin queue, background priority: live syncs go first) -> [KRAYIN_NEW_PERSONS=create: find or
 *   create the Chatwoot contact of each new person] -> [CRM_ACTIVITY_NOTES: sales users' activities on
 *   open contacts' leads and persons] -> hand each change of a linked contact to that contact's own
 *   workflow -> move the watermark -> [every KRAYIN_SCAN_INTERVAL: the id scan, which finds deletions
 *   and edits that leave updated_at alone (krayin-scan.ts)] -> continue-as-new every LOOPS_PER_RUN polls
 *
 * A failed poll (Krayin down) moves nothing: the next one covers the same time again, so nothing is lost.
 * Started, or found running, for every connection with two-way sync on at worker start; it ends itself
 * when the connection's two-way sync is switched off.
 */
import {
  condition,
  continueAsNew,
  defineQuery,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChatwootActivities, KrayinActivities, TwoWayActivities } from '../activities';
import { krayinTaskQueue } from './api';
import { CHATWOOT_RETRY, KRAYIN_RETRY, STORE_RETRY } from './failures';
import { pollNowSignal, type KrayinPollInput } from './krayin-poll-api';
import { runScanSteps, scanStatusOf, type KrayinScanStatus } from './krayin-scan';
import { newScanCursor, scanDue, waitBeforeNextLoop, type KrayinScanCursor } from '../src/two-way/id-scan';

/** What the poll did in this run (ids and counts only): the CLI and the tests read it. */
export interface KrayinPollStatus {
  /** Polls finished in this run, failed ones included. */
  polls: number;
  failures: number;
  /** Krayin requests of the last successful poll (2 at idle). */
  lastCalls: number | null;
  /** Changes the last successful poll handed to contact workflows. */
  lastHanded: number | null;
  /** The last failure's message (PII-free: route templates and statuses), null after a success. */
  lastFailure: string | null;
  /** KRAYIN_NEW_PERSONS=create: Chatwoot contacts created for, linked to, and persons left alone, in this run. */
  newPersons: { created: number; linked: number; left: number };
  /** The periodic id scan (KRAYIN_SCAN_INTERVAL): passes, the current and the last pass's figures. */
  scan?: KrayinScanStatus;
}

export const krayinPollStatusQuery = defineQuery<KrayinPollStatus>('krayinPollStatus');

/** two-way-activity-notes: the poll also pages Krayin's activities when CRM_ACTIVITY_NOTES is on. */
const ACTIVITY_NOTES_POLL_PATCH = 'two-way-activity-notes';

/** Polls per run before continue-as-new (each is 1-2 activities: a short history). */
export const LOOPS_PER_RUN = 200;
/** After a failed poll, the next try comes this much later (unless a hint comes first). */
const AFTER_FAILURE_MS = 30_000;
/**
 * two-way-id-scan: the loop runs the id scan when it is due and waits at most until then; runs recorded
 * before only polled.
 */
const ID_SCAN_PATCH = 'two-way-id-scan';
/** Scan steps per run before continue-as-new (each is 1-3 activities). */
export const SCAN_STEPS_PER_RUN = 100;
/** With KRAYIN_POLL_INTERVAL=off, a scan round gives way to the loop after this long. */
const SCAN_ROUND_MS = 60_000;

export async function krayinPollWorkflow(input: KrayinPollInput): Promise<void> {
  const { connectionId } = input;
  let pollAsked = false;
  setHandler(pollNowSignal, () => {
    pollAsked = true;
  });
  const status: KrayinPollStatus = {
    polls: 0,
    failures: 0,
    lastCalls: null,
    lastHanded: null,
    lastFailure: null,
    newPersons: { created: 0, linked: 0, left: 0 },
  };
  let scan: KrayinScanCursor = input.scan ?? newScanCursor(Date.now());
  let scanSteps = 0;
  let scanFailures = 0;
  let scanFailure: string | null = null;
  /** This run recorded the scan patch (or carries a scan from the run before): the cursor goes on. */
  let scanning = input.scan !== undefined;
  setHandler(krayinPollStatusQuery, () =>
    scanning ? { ...status, scan: scanStatusOf(scan, scanFailures, scanFailure) } : status,
  );
  const krayin = proxyActivities<Pick<KrayinActivities, 'pollKrayinChanges' | 'pollKrayinActivities'>>({
    taskQueue: krayinTaskQueue(workflowInfo().taskQueue, connectionId),
    startToCloseTimeout: '2m',
    // A few tries, then the loop's own next poll: a long Krayin outage must not hold hints back.
    retry: { ...KRAYIN_RETRY, maximumAttempts: 3 },
  });
  const main = proxyActivities<TwoWayActivities>({ startToCloseTimeout: '1m', retry: STORE_RETRY });
  const chatwoot = proxyActivities<Pick<ChatwootActivities, 'adoptKrayinPersons'>>({
    startToCloseTimeout: '2m',
    // Like the Krayin reads: a few tries, then the loop's next poll covers the same persons again.
    retry: { ...CHATWOOT_RETRY, maximumAttempts: 3 },
  });

  for (let loop = 0; loop < LOOPS_PER_RUN && scanSteps < SCAN_STEPS_PER_RUN; loop++) {
    pollAsked = false;
    const loopStartedAt = Date.now();
    let waitMs: number | null;
    /** Live KRAYIN_SCAN_INTERVAL from a successful poll (undefined: the poll failed). */
    let scanMs: number | null | undefined;
    try {
      const polled = await krayin.pollKrayinChanges({ connectionId, priority: 'background' });
      if (!polled.enabled) return;
      let changes = polled.changes;
      if (polled.newPersons?.length && patched('two-way-new-persons')) {
        const adopted = await chatwoot.adoptKrayinPersons({ connectionId, persons: polled.newPersons });
        changes = [...changes, ...adopted.changes];
        status.newPersons.created += adopted.created;
        status.newPersons.linked += adopted.linked;
        status.newPersons.left += adopted.left;
      }
      let watermarks = polled.watermarks;
      // CRM_ACTIVITY_NOTES: sales users' activities on linked leads and persons (off: not polled at all).
      if (polled.activityNotes && patched(ACTIVITY_NOTES_POLL_PATCH)) {
        const activities = await krayin.pollKrayinActivities({ connectionId, priority: 'background' });
        changes = [...changes, ...activities.changes];
        watermarks = { ...watermarks, activities: activities.watermark };
        polled.calls += activities.calls;
      }
      await main.handKrayinChanges({ connectionId, changes, watermarks });
      waitMs = polled.pollIntervalMs;
      scanMs = polled.scanIntervalMs ?? null;
      Object.assign(status, { lastCalls: polled.calls, lastHanded: changes.length, lastFailure: null });
    } catch (err) {
      // Nothing was handed over and no watermark moved: the next poll looks at the same changes.
      waitMs = AFTER_FAILURE_MS;
      status.failures++;
      status.lastFailure =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : 'failed';
    }
    status.polls++;
    if (scanMs !== undefined && patched(ID_SCAN_PATCH)) {
      scanning = true;
      const pollMs = waitMs;
      let failed = false;
      let off = false;
      if (scanDue(scan, scanMs, Date.now())) {
        const round = await runScanSteps(
          connectionId,
          scan,
          () => pollAsked || Date.now() - loopStartedAt >= (pollMs ?? SCAN_ROUND_MS),
          SCAN_STEPS_PER_RUN - scanSteps,
        );
        scan = round.cursor;
        scanSteps += round.steps;
        if (round.failure !== null) scanFailures++;
        scanFailure = round.failure;
        failed = round.failure !== null;
        off = round.off;
      }
      // A failed step is tried again like a failed poll; while a pass is under way the loop goes on at once.
      if (failed) waitMs = AFTER_FAILURE_MS;
      else if (!off) waitMs = waitBeforeNextLoop(pollMs, scan, scanMs, Date.now());
      if (waitMs === 0) continue;
    }
    if (waitMs === null) await condition(() => pollAsked);
    else await condition(() => pollAsked, waitMs);
  }
  await continueAsNew<typeof krayinPollWorkflow>(scanning ? { ...input, scan } : input);
}
