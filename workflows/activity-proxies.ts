/**
 * How the workflow reaches its activities: which task queue, which timeout, which retry policy.
 * Krayin-calling activities go to the connection's rate-limited Krayin queue.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ActivityFunctions } from '../activities/contracts';
import { krayinTaskQueue } from '../src/shared/contact-sync-api';
import { CHATWOOT_RETRY, KRAYIN_RETRY, STORE_RETRY } from './failures';

export function activityProxies(activityTimeoutMs: number, connectionId: string) {
  const krayin = proxyActivities<ActivityFunctions>({
    taskQueue: krayinTaskQueue(workflowInfo().taskQueue, connectionId),
    startToCloseTimeout: activityTimeoutMs,
    retry: KRAYIN_RETRY,
  });
  const chatwoot = proxyActivities<ActivityFunctions>({
    startToCloseTimeout: activityTimeoutMs,
    retry: CHATWOOT_RETRY,
  });
  const store = proxyActivities<ActivityFunctions>({
    startToCloseTimeout: '30s',
    retry: STORE_RETRY,
  });
  return { krayin, chatwoot, store };
}

export type ActivityProxies = ReturnType<typeof activityProxies>;
