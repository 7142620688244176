/**
 * Reconciliation of one connection: Chatwoot never retries a webhook and sends none for imports,
 * deletions or merges, so a scheduled pass reads Chatwoot's lists and hands every difference to the
 * contact's own workflow (the activities signal it exactly as a webhook would). Unchanged contacts
 * cost no Krayin call: this workflow never reaches Krayin at all.
 *
 *   contacts (full: all, by created_at, with the deletion check; incremental: created since the last pass)
 *   -> deletions (full: linked ids after the last listed one) -> krayin (full: persons, leads and
 *   organizations sales deleted in Krayin, from Krayin's id pages on the Krayin queue) -> conversations
 *   (activity since the last pass; full: all) -> record the pass as the next checkpoint
 *
 * Resumable: the cursor (phase, page, counts) is carried across continue-as-new every few pages, so a
 * pass over 100,000 contacts keeps a short history and a restarted worker resumes at the page it was on.
 */
import { continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { KrayinActivities } from '../activities';
import type { ReconcileActivities, PageResult } from '../activities/reconcile';
import type { AttributeCatalog } from '../src/mapping/attributes';
import { krayinTaskQueue } from './api';
import { CHATWOOT_RETRY, KRAYIN_RETRY } from './failures';
import {
  reconcileProgressQuery,
  ZERO_COUNTS,
  type ReconcileCounts,
  type ReconcileCursor,
  type ReconcileInput,
  type ReconcileProgress,
} from './reconcile-api';
import { stopBeforeSec } from '../src/reconcile/compare';

/** Activity calls per run before continue-as-new: about 3 history events each, far below the limits. */
export const STEPS_PER_RUN = 100;
/** Linked contacts checked per call in the deletions phase. */
const LINKED_PER_CALL = 50;
/**
 * reconcile-krayin-deletions: full passes check Krayin's person and lead ids after the Chatwoot
 * deletions (phase `krayin`); runs recorded before went straight to the conversations.
 */
const KRAYIN_DELETIONS_PATCH = 'reconcile-krayin-deletions';
/**
 * reconcile-krayin-org-deletions: the krayin phase pages Krayin's organization ids after the leads;
 * runs recorded before went from the leads to the conversations.
 */
const KRAYIN_ORG_DELETIONS_PATCH = 'reconcile-krayin-org-deletions';

const acts = proxyActivities<ReconcileActivities>({
  startToCloseTimeout: '5m',
  // Chatwoot or the store down: keep trying (a pass resumes where it stopped); the failure table says
  // what is not retryable (a refused token, an unreadable answer).
  retry: CHATWOOT_RETRY,
});

/** The one Krayin read a pass may need (a field map with custom attributes), on the connection's Krayin queue. */
function krayinCatalog(connectionId: string) {
  return proxyActivities<Pick<KrayinActivities, 'fieldMapCatalog'>>({
    taskQueue: krayinTaskQueue(workflowInfo().taskQueue, connectionId),
    startToCloseTimeout: '1m',
    retry: KRAYIN_RETRY,
  }).fieldMapCatalog({ connectionId });
}

/** One page of Krayin's person, lead or organization ids diffed against our links, on the Krayin queue. */
function krayinIds(connectionId: string) {
  return proxyActivities<Pick<KrayinActivities, 'krayinLinkedMissing'>>({
    taskQueue: krayinTaskQueue(workflowInfo().taskQueue, connectionId),
    startToCloseTimeout: '5m',
    retry: KRAYIN_RETRY,
  });
}

export async function reconcile(input: ReconcileInput): Promise<ReconcileProgress> {
  const { connectionId, mode } = input;
  let cursor: ReconcileCursor = input.cursor ?? newPass();
  setHandler(reconcileProgressQuery, () => progress());
  if (!input.cursor) {
    const checkpoint = await acts.reconcileCheckpoint({ connectionId });
    if (checkpoint.disabled) return { ...progress(), phase: 'done', skipped: 'connection_disabled' };
    cursor.stopBefore = mode === 'full' ? null : stopBeforeSec(checkpoint.lastPassStartedAt);
  }

  /** Read when a contacts page asks for it; not carried across continue-as-new (one Krayin read per run at most). */
  let catalog: AttributeCatalog | undefined;
  let steps = 0;
  while (cursor.phase !== 'done') {
    if (steps >= (input.stepsPerRun ?? STEPS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof reconcile>({ ...input, cursor });
    }
    steps++;
    const base = { connectionId, runKey: cursor.runKey, stopBefore: cursor.stopBefore };
    switch (cursor.phase) {
      case 'contacts': {
        const r = await acts.reconcileContactsPage({
          ...base,
          mode,
          page: cursor.page,
          maxContactId: cursor.maxContactId,
          ...(catalog === undefined ? {} : { catalog }),
        });
        if (r.needsCatalog) {
          catalog = await krayinCatalog(connectionId);
          break;
        }
        advance(r, mode === 'full' ? 'deletions' : 'conversations');
        break;
      }
      case 'deletions': {
        const r = await acts.reconcileLinkedAfter({
          connectionId,
          afterId: cursor.maxContactId,
          limit: LINKED_PER_CALL,
          runKey: cursor.runKey,
        });
        advance(r, r.done && patched(KRAYIN_DELETIONS_PATCH) ? 'krayin' : 'conversations');
        break;
      }
      case 'krayin': {
        const k = cursor.krayin ?? { kind: 'person', afterId: 0 };
        const r = await krayinIds(connectionId).krayinLinkedMissing({
          connectionId,
          kind: k.kind,
          page: cursor.page,
          afterId: k.afterId,
        });
        if (r.missing.length > 0) {
          const handled = await acts.reconcileKrayinMissing({
            connectionId,
            kind: k.kind,
            ids: r.missing,
            runKey: cursor.runKey,
          });
          cursor = { ...cursor, counts: addCounts(cursor.counts, handled.counts) };
        }
        if (!r.done) cursor = { ...cursor, page: cursor.page + 1, krayin: { kind: k.kind, afterId: r.maxId } };
        else if (k.kind === 'person') cursor = { ...cursor, page: 1, krayin: { kind: 'lead', afterId: 0 } };
        else if (k.kind === 'lead' && patched(KRAYIN_ORG_DELETIONS_PATCH))
          cursor = { ...cursor, page: 1, krayin: { kind: 'organization', afterId: 0 } };
        else cursor = { ...cursor, phase: 'conversations', page: 1, krayin: undefined };
        break;
      }
      case 'conversations': {
        const r = await acts.reconcileConversationsPage({ ...base, page: cursor.page });
        advance(r, 'done');
        break;
      }
    }
  }

  await acts.reconcileCompletePass({
    connectionId,
    mode,
    passStartedAt: cursor.passStartedAt,
    counts: cursor.counts,
  });
  return progress();

  function newPass(): ReconcileCursor {
    return {
      // Workflow time: deterministic on replay.
      passStartedAt: new Date().toISOString(),
      stopBefore: null,
      phase: 'contacts',
      page: 1,
      maxContactId: 0,
      // The first run's id stays the same across continue-as-new: re-sent differences dedupe.
      runKey: workflowInfo().firstExecutionRunId,
      counts: { ...ZERO_COUNTS },
    };
  }

  function advance(r: PageResult, next: ReconcileCursor['phase']): void {
    cursor = {
      ...cursor,
      phase: r.done ? next : cursor.phase,
      page: r.done ? 1 : cursor.page + 1,
      maxContactId: Math.max(cursor.maxContactId, r.maxContactId),
      counts: addCounts(cursor.counts, r.counts),
    };
  }

  function progress(): ReconcileProgress {
    return { connectionId, mode, phase: cursor.phase, page: cursor.page, counts: cursor.counts };
  }
}

function addCounts(a: ReconcileCounts, b: Partial<ReconcileCounts>): ReconcileCounts {
  const out = { ...a };
  // A cursor carried from an older run may lack a newer count: it starts at 0.
  for (const key of Object.keys(b) as (keyof ReconcileCounts)[]) out[key] = (out[key] ?? 0) + (b[key] ?? 0);
  return out;
}
