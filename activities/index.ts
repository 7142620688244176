/**
 * All activities, built from the process's dependencies, as one set per task queue. The worker
 * registers each set only on its queue (src/temporal/workers.ts): the Krayin set on each connection's
 * rate-limited Krayin queue, the others on the main queue.
 */
import { createChatwootActivities, type ChatwootActivities } from './chatwoot';
import type { ActivityDeps } from './deps';
import { withKrayinPriority } from '../src/krayin/priority';
import { withKrayinCallTally } from '../src/analytics/call-tally';
import { reconcileActivities, type ReconcileActivities } from './reconcile';
import { canDispatchKrayinChanges } from '../src/two-way/dispatch';
import { twoWayActivities, type TwoWayActivities } from './two-way';
import {
  backfillActivities,
  backfillKrayinActivities,
  type BackfillActivities,
  type BackfillDeps,
  type BackfillKrayinActivities,
} from './backfill';
import {
  createKrayinActivities,
  createLegacyKrayinQueueActivities,
  type KrayinActivities,
  type LegacyKrayinQueueActivities,
} from './krayin';
import {
  createSettingsActivities,
  createStoreActivities,
  type SettingsActivities,
  type StoreActivities,
} from './store';

export interface ActivitySets {
  /** Krayin queue: calls Krayin only. */
  krayin: KrayinActivities;
  /** Krayin queue: kept for runs recorded before the conversation split (activities/krayin/legacy.ts). */
  legacyKrayinQueue: LegacyKrayinQueueActivities;
  /** Main queue: reads Chatwoot. */
  chatwoot: ChatwootActivities;
  /** Main queue: our store only. */
  store: StoreActivities;
  /** Main queue, local activity: the workflow's live settings. */
  settings: SettingsActivities;
  /** Main queue: the reconciliation's Chatwoot reads and store checks (only with a dispatcher to hand differences to). */
  reconcile: ReconcileActivities | Record<string, never>;
  /** Main queue: the backfill's Chatwoot reads, hand-overs and outcome reads (only with a dispatcher). */
  backfill: BackfillActivities | Record<string, never>;
  /** Krayin queue: the backfill dry run's person lookups. */
  backfillKrayin: BackfillKrayinActivities;
  /** Main queue: hands the Krayin poll's changes to contact workflows (only with a dispatcher that can). */
  twoWay: TwoWayActivities | Record<string, never>;
}

export function createActivities(deps: ActivityDeps & { onBackfillOutcome?: BackfillDeps['onOutcome'] }): ActivitySets {
  return {
    // An input with priority 'background' (a backfill round) runs its Krayin calls at background priority.
    // The Krayin calls of each step are tallied per contact for the analytics (src/analytics/call-tally.ts).
    krayin: withKrayinPriority(withKrayinCallTally(createKrayinActivities(deps), deps.store)),
    legacyKrayinQueue: createLegacyKrayinQueueActivities(deps),
    chatwoot: createChatwootActivities(deps),
    store: createStoreActivities(deps),
    settings: createSettingsActivities(deps),
    reconcile: deps.dispatcher ? reconcileActivities({ ...deps, dispatcher: deps.dispatcher }) : {},
    backfill: deps.dispatcher
      ? backfillActivities({
          ...deps,
          dispatcher: deps.dispatcher,
          ...(deps.onBackfillOutcome ? { onOutcome: deps.onBackfillOutcome } : {}),
        })
      : {},
    backfillKrayin: backfillKrayinActivities(deps),
    twoWay: canDispatchKrayinChanges(deps.dispatcher) ? twoWayActivities({ ...deps, dispatcher: deps.dispatcher }) : {},
  };
}

export type { ActivityDeps } from './deps';
export type {
  BackfillActivities,
  BackfillKrayinActivities,
  ChatwootActivities,
  KrayinActivities,
  LegacyKrayinQueueActivities,
  ReconcileActivities,
  SettingsActivities,
  StoreActivities,
  TwoWayActivities,
};
