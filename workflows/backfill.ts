/**
 * Backfill of one connection (`backfill:<connection>`): brings every existing Chatwoot contact into
 * Krayin through the contact workflows, the same path as a webhook, so a backfill can never race a
 * live event and never duplicates what the sync would not.
 *
 *   start (count, watermark) -> contacts, oldest first: hand over what is not in sync, keeping at most
 *   `window` contacts in flight and waiting for their outcome -> (--conversations) conversations ->
 *   record the end
 *
 * A dry run hands nothing over: it classifies every contact (looking existing persons up in Krayin on
 * the connection's Krayin queue) and returns the plan. Resumable: the cursor (page, contacts in flight,
 * counts) is carried across continue-as-new, so a crash or restart resumes where it stopped and a
 * backfill of 100,000 contacts keeps a short history. `cancel` stops listing; contacts already handed
 * over finish their sync first.
 */
import { condition, continueAsNew, proxyActivities, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { BackfillActivities, BackfillKrayinActivities, BackfillPageResult } from '../activities/backfill';
import type { KrayinActivities } from '../activities';
import type { AttributeCatalog } from '../src/mapping/attributes';
import { krayinTaskQueue } from './api';
import {
  addOutcome,
  BACKFILL_WINDOW,
  backfillCancelSignal,
  backfillProgressQuery,
  doneOf,
  rateAndEta,
  ZERO_BACKFILL_COUNTS,
  type BackfillCursor,
  type BackfillInput,
  type BackfillProgress,
} from './backfill-api';
import { CHATWOOT_RETRY, KRAYIN_RETRY } from './failures';

/** Activity calls per run before continue-as-new: about 3 history events each, far below the limits. */
export const BACKFILL_STEPS_PER_RUN = 200;
/** Longest one settle call waits for outcomes before the workflow looks again. */
const SETTLE_WAIT_MS = 20_000;
/** Settle calls (about 20 s each) a contact may stay without a recorded outcome before its stored state decides. */
const STALE_AFTER_ROUNDS = 15;

const acts = proxyActivities<BackfillActivities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '1m',
  // Chatwoot or the store down: keep trying (the backfill resumes where it stopped).
  retry: CHATWOOT_RETRY,
});

function krayinActs(connectionId: string) {
  return proxyActivities<BackfillKrayinActivities & Pick<KrayinActivities, 'fieldMapCatalog'>>({
    taskQueue: krayinTaskQueue(workflowInfo().taskQueue, connectionId),
    startToCloseTimeout: '5m',
    heartbeatTimeout: '1m',
    retry: KRAYIN_RETRY,
  });
}

export async function backfill(input: BackfillInput): Promise<BackfillProgress> {
  const { connectionId } = input;
  const dryRun = input.dryRun === true;
  const window = input.window ?? BACKFILL_WINDOW;
  let cursor: BackfillCursor;
  let skipped: BackfillProgress['skipped'];
  if (input.cursor) cursor = input.cursor;
  else {
    cursor = newBackfill();
    const start = await acts.backfillStart({ connectionId });
    if (start.disabled) skipped = 'connection_disabled';
    cursor = { ...cursor, total: start.total, auditWatermark: start.auditWatermark };
    if (skipped) cursor.phase = 'done';
  }
  setHandler(backfillProgressQuery, () => progress());
  setHandler(backfillCancelSignal, () => {
    cursor.cancelRequested = true;
  });

  let catalog: AttributeCatalog | undefined;
  let steps = 0;
  for (;;) {
    const listing = cursor.phase !== 'done' && !cursor.cancelRequested;
    if (!listing && cursor.inFlight.length === 0) break;
    if (steps >= (input.stepsPerRun ?? BACKFILL_STEPS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof backfill>({ ...input, cursor });
    }
    steps++;
    if (listing && cursor.phase === 'contacts' && cursor.inFlight.length < window) {
      const r = await acts.backfillContactsPage({
        connectionId,
        page: cursor.page,
        runKey: cursor.runKey,
        dryRun,
        ...(dryRun ? {} : { auditWatermark: cursor.auditWatermark }),
        ...(input.since === undefined ? {} : { since: input.since }),
        ...(catalog === undefined ? {} : { catalog }),
      });
      if (r.needsCatalog) {
        catalog = await krayinActs(connectionId).fieldMapCatalog({ connectionId });
        continue;
      }
      if (dryRun && r.lookups.length > 0) await lookUp(r);
      takePage(r);
    } else if (listing && cursor.phase === 'conversations' && cursor.inFlight.length === 0) {
      const r = await acts.backfillConversationsPage({
        connectionId,
        page: cursor.page,
        runKey: cursor.runKey,
        ...(input.since === undefined ? {} : { since: input.since }),
      });
      cursor.counts = { ...cursor.counts, conversationsSent: cursor.counts.conversationsSent + r.sent };
      cursor.page = r.done ? 1 : cursor.page + 1;
      if (r.done) cursor.phase = 'done';
    } else {
      await settle();
    }
    showProgress();
  }

  const cancelled = cursor.cancelRequested && cursor.phase !== 'done';
  if (!skipped) {
    await acts.backfillRecordEnd({ connectionId, dryRun, cancelled, counts: { ...cursor.counts } });
  }
  cursor.phase = 'done';
  showProgress();
  return { ...progress(), cancelled, ...(skipped ? { skipped } : {}) };

  /** Dry run: persons not linked yet are looked up in Krayin (on its queue, within its budget). */
  async function lookUp(r: BackfillPageResult): Promise<void> {
    const found = await krayinActs(connectionId).backfillFindPersons({ connectionId, contacts: r.lookups });
    for (const f of found) {
      r.settled.push(
        f.found
          ? { contactId: f.contactId, outcome: 'linked', reason: `existing person by ${f.found}`, linkKey: f.found }
          : { contactId: f.contactId, outcome: 'created', reason: 'no Krayin person with this email or phone' },
      );
    }
  }

  function takePage(r: BackfillPageResult): void {
    let { counts, examples } = cursor;
    for (const s of r.settled) ({ counts, examples } = addOutcome(counts, examples, s));
    counts = { ...counts, listed: counts.listed + r.listed, dispatched: counts.dispatched + r.dispatched.length };
    const nextPhase = input.conversations && !dryRun ? 'conversations' : 'done';
    cursor = {
      ...cursor,
      counts,
      examples,
      total: Math.max(0, cursor.total - r.outOfRange),
      inFlight: [...cursor.inFlight, ...r.dispatched],
      phase: r.done ? nextPhase : cursor.phase,
      page: r.done ? 1 : cursor.page + 1,
    };
  }

  async function settle(): Promise<void> {
    const settled = await acts.backfillSettle({
      connectionId,
      inFlight: cursor.inFlight,
      auditWatermark: cursor.auditWatermark,
      waitMs: SETTLE_WAIT_MS,
      staleAfterRounds: STALE_AFTER_ROUNDS,
    });
    let { counts, examples } = cursor;
    for (const s of settled) ({ counts, examples } = addOutcome(counts, examples, s));
    const ended = new Set(settled.map((s) => s.contactId));
    cursor = {
      ...cursor,
      counts,
      examples,
      inFlight: cursor.inFlight
        .filter((c) => !ended.has(c.contactId))
        .map((c) => ({ ...c, rounds: (c.rounds ?? 0) + 1 })),
    };
    // Nothing ended and the page is not the problem: give the contact workflows a moment (a timer, no activity).
    if (settled.length === 0) await condition(() => cursor.cancelRequested, '1s');
  }

  function newBackfill(): BackfillCursor {
    return {
      runKey: workflowInfo().firstExecutionRunId,
      // Workflow time: deterministic on replay.
      startedAt: new Date().toISOString(),
      auditWatermark: 0,
      phase: 'contacts',
      page: 1,
      total: 0,
      inFlight: [],
      counts: { ...ZERO_BACKFILL_COUNTS },
      examples: {},
      cancelRequested: false,
    };
  }

  function progress(): BackfillProgress {
    const done = doneOf(cursor.counts);
    const elapsed = Date.now() - Date.parse(cursor.startedAt);
    return {
      connectionId,
      dryRun,
      phase: cursor.phase,
      done,
      total: Math.max(cursor.total, done),
      inFlight: cursor.inFlight.length,
      ...rateAndEta(done, Math.max(cursor.total, done), elapsed),
      counts: cursor.counts,
      examples: cursor.examples,
      startedAt: cursor.startedAt,
      cancelled: cursor.cancelRequested,
    };
  }

  /** The Temporal UI's memo: counts only (no examples, no PII). Memo updates are commands, replayed in order. */
  function showProgress(): void {
    const p = progress();
    upsertMemo({
      backfill: { done: p.done, total: p.total, inFlight: p.inFlight, phase: p.phase, dryRun, counts: p.counts },
    });
  }
}
