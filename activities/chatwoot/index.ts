/**
 * Activities that read Chatwoot (plus our store): they run on the main task queue. None calls Krayin:
 * what they read becomes the input of the Krayin set's writes. The one writer, applyLeadToChatwoot,
 * writes what the Krayin set read (CRM facts in Chatwoot).
 */
import type { ChatwootActivityDeps } from '../deps';
import { activityNoteActivities } from './activity-notes';
import { agentLeadActivities } from './agent-lead';
import { chatwootConversationActivities } from './conversations';
import { crmAttributeActivities } from './crm-attributes';
import { mergeActivities } from './merge';
import { newPersonActivities } from './new-persons';
import { planActivities } from './plan';
import { twoWayChatwootActivities } from './two-way';

export function createChatwootActivities(deps: ChatwootActivityDeps) {
  return {
    ...planActivities(deps),
    ...chatwootConversationActivities(deps),
    ...mergeActivities(deps),
    ...twoWayChatwootActivities(deps),
    ...crmAttributeActivities(deps),
    ...newPersonActivities(deps),
    ...agentLeadActivities(deps),
    ...activityNoteActivities(deps),
  };
}

export type ChatwootActivities = ReturnType<typeof createChatwootActivities>;
