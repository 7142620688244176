/**
 * Activities that call Krayin, and only Krayin (plus our store). They run on the connection's Krayin
 * task queue, whose server-side rate limit keeps the service under Krayin's request budget; the
 * workflow reaches them only through the proxy typed by this set (workflows/activity-proxies.ts).
 */
import type { KrayinActivityDeps } from '../deps';
import { agentNoteActivities } from './agent-notes';
import { catalogActivities } from './catalog';
import { chatwootDeletedActivities } from './chatwoot-deleted';
import { crmFactsKrayinActivities } from './crm-facts';
import { krayinIdsActivities } from './krayin-ids';
import { krayinConversationActivities } from './conversations';
import { leadActivities } from './lead';
import { organizationActivities } from './organization';
import { personActivities } from './person';
import { twoWayKrayinActivities } from './two-way';
import { twoWayActivityKrayinActivities } from './two-way-activities';
import { twoWayScanActivities } from './two-way-scan';

export function createKrayinActivities(deps: KrayinActivityDeps) {
  return {
    ...catalogActivities(deps),
    ...organizationActivities(deps),
    ...personActivities(deps),
    ...leadActivities(deps),
    ...krayinConversationActivities(deps),
    ...chatwootDeletedActivities(deps),
    ...krayinIdsActivities(deps),
    ...twoWayKrayinActivities(deps),
    ...twoWayScanActivities(deps),
    ...crmFactsKrayinActivities(deps),
    ...agentNoteActivities(deps),
    ...twoWayActivityKrayinActivities(deps),
  };
}

export type KrayinActivities = ReturnType<typeof createKrayinActivities>;
export { createLegacyKrayinQueueActivities, type LegacyKrayinQueueActivities } from './legacy';
