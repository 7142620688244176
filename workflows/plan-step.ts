/**
 * The plan step of a sync: read the contact from Chatwoot and compare it with what was written
 * (main queue). A field map with custom attributes needs Krayin's attribute catalog: the plan asks for
 * it (`needs_catalog`, before reading anything), the catalog is read on the Krayin queue, and the plan
 * runs again with it, so no Krayin call runs outside the connection's rate limit.
 *
 * No patch needed: histories recorded before this never hold a `needs_catalog` answer, so they take
 * the same single-activity path they recorded.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { PlanInput, PlanResult } from '../activities/contracts';
import type { ActivityProxies } from './activity-proxies';
import { activitySummaries as say } from './ui-metadata';

export type Plan = Exclude<PlanResult, { kind: 'needs_catalog' }>;

export async function planContactSync(acts: ActivityProxies, input: PlanInput): Promise<Plan> {
  const summary = { summary: say.planContactSync(input.contactId) };
  const plan = await acts.chatwoot.planContactSync.executeWithOptions(summary, [input]);
  if (plan.kind !== 'needs_catalog') return plan;
  const catalog = await acts.krayin.fieldMapCatalog.executeWithOptions(
    { summary: say.fieldMapCatalog(input.contactId) },
    [{ connectionId: input.connectionId }],
  );
  const again = await acts.chatwoot.planContactSync.executeWithOptions(summary, [{ ...input, catalog }]);
  if (again.kind === 'needs_catalog') {
    throw ApplicationFailure.nonRetryable(
      'the plan asked for the attribute catalog it was given',
      'PlanWithoutCatalog',
    );
  }
  return again;
}
