/**
 * How the workflow reaches its activities: one proxy per activity set, each typed by that set and
 * bound to the task queue the set is registered on (src/temporal/workers.ts), so a Krayin activity
 * cannot be called outside the connection's rate-limited Krayin queue: `acts.chatwoot.syncPerson`
 * does not compile (test/unit/activity-sets.test.ts).
 */
import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type {
  ChatwootActivities,
  KrayinActivities,
  LegacyKrayinQueueActivities,
  SettingsActivities,
  StoreActivities,
} from '../activities';
import { CHATWOOT_RETRY, KRAYIN_RETRY, STORE_RETRY } from './failures';
import { krayinTaskQueue } from './api';

/**
 * A message batch heartbeats every message it writes; without a heartbeat for this long the attempt
 * is considered lost (a killed worker) and retried, resuming after the last message heartbeated.
 */
export const MESSAGE_BATCH_HEARTBEAT_TIMEOUT = '1m';

export function activityProxies(activityTimeoutMs: number, connectionId: string) {
  const krayinQueue = {
    taskQueue: krayinTaskQueue(workflowInfo().taskQueue, connectionId),
    startToCloseTimeout: activityTimeoutMs,
    retry: KRAYIN_RETRY,
  };
  const krayin = proxyActivities<KrayinActivities>(krayinQueue);
  /** writeMessages heartbeats per message: a lost worker is noticed after the heartbeat timeout, not startToClose. */
  const krayinMessages = proxyActivities<Pick<KrayinActivities, 'writeMessages'>>({
    ...krayinQueue,
    heartbeatTimeout: MESSAGE_BATCH_HEARTBEAT_TIMEOUT,
  });
  /** Only for runs recorded before the conversation split (activities/krayin/legacy.ts). */
  const legacyKrayin = proxyActivities<LegacyKrayinQueueActivities>(krayinQueue);
  const chatwoot = proxyActivities<ChatwootActivities>({
    startToCloseTimeout: activityTimeoutMs,
    retry: CHATWOOT_RETRY,
  });
  const store = proxyActivities<StoreActivities>({
    startToCloseTimeout: '30s',
    retry: STORE_RETRY,
  });
  return { krayin, krayinMessages, legacyKrayin, chatwoot, store };
}

export type ActivityProxies = ReturnType<typeof activityProxies>;

/** The workflow's settings from the worker's live config (a local activity: recorded, never re-run on replay). */
export const settingsActivities = () =>
  proxyLocalActivities<SettingsActivities>({
    startToCloseTimeout: '10s',
    retry: STORE_RETRY,
  });
