/**
 * The Krayin poll of one connection (`krayin-poll:<connection>`, docs/two-way-sync.md): Krayin can tell
 * nobody what changed (no "updated since", its webhooks carry no ids), so this loop asks it:
 *
 *   wait for the interval or a poll-now hint -> list persons and leads changed since the watermark
 *   (Krayin queue, background priority: live syncs go first) -> hand each change of a linked contact to
 *   that contact's own workflow -> move the watermark -> continue-as-new every LOOPS_PER_RUN polls
 *
 * A failed poll (Krayin down) moves nothing: the next one covers the same time again, so nothing is lost.
 * Started, or found running, for every connection with two-way sync on at worker start; it ends itself
 * when the connection's two-way sync is switched off.
 */
import { condition, continueAsNew, defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { KrayinActivities, TwoWayActivities } from '../activities';
import { krayinTaskQueue } from './api';
import { KRAYIN_RETRY, STORE_RETRY } from './failures';
import { pollNowSignal, type KrayinPollInput } from './krayin-poll-api';

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
}

export const krayinPollStatusQuery = defineQuery<KrayinPollStatus>('krayinPollStatus');

/** Polls per run before continue-as-new (each is 1-2 activities: a short history). */
export const LOOPS_PER_RUN = 200;
/** After a failed poll, the next try comes this much later (unless a hint comes first). */
const AFTER_FAILURE_MS = 30_000;

export async function krayinPollWorkflow(input: KrayinPollInput): Promise<void> {
  const { connectionId } = input;
  let pollAsked = false;
  setHandler(pollNowSignal, () => {
    pollAsked = true;
  });
  const status: KrayinPollStatus = { polls: 0, failures: 0, lastCalls: null, lastHanded: null, lastFailure: null };
  setHandler(krayinPollStatusQuery, () => status);
  const krayin = proxyActivities<Pick<KrayinActivities, 'pollKrayinChanges'>>({
    taskQueue: krayinTaskQueue(workflowInfo().taskQueue, connectionId),
    startToCloseTimeout: '2m',
    // A few tries, then the loop's own next poll: a long Krayin outage must not hold hints back.
    retry: { ...KRAYIN_RETRY, maximumAttempts: 3 },
  });
  const main = proxyActivities<TwoWayActivities>({ startToCloseTimeout: '1m', retry: STORE_RETRY });

  for (let loop = 0; loop < LOOPS_PER_RUN; loop++) {
    pollAsked = false;
    let waitMs: number | null;
    try {
      const polled = await krayin.pollKrayinChanges({ connectionId, priority: 'background' });
      if (!polled.enabled) return;
      await main.handKrayinChanges({ connectionId, changes: polled.changes, watermarks: polled.watermarks });
      waitMs = polled.pollIntervalMs;
      Object.assign(status, { lastCalls: polled.calls, lastHanded: polled.changes.length, lastFailure: null });
    } catch (err) {
      // Nothing was handed over and no watermark moved: the next poll looks at the same changes.
      waitMs = AFTER_FAILURE_MS;
      status.failures++;
      status.lastFailure =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : 'failed';
    }
    status.polls++;
    if (waitMs === null) await condition(() => pollAsked);
    else await condition(() => pollAsked, waitMs);
  }
  await continueAsNew<typeof krayinPollWorkflow>(input);
}
