/**
 * All activities, built from the process's dependencies. The worker registers the same object on the
 * main queue and on each connection's Krayin queue; the workflow decides which queue runs what.
 */
import type { ActivityFunctions } from './contracts';
import { conversationActivities } from './conversations';
import type { ActivityDeps } from './deps';
import { leadActivities } from './krayin-lead';
import { organizationActivities } from './krayin-organization';
import { personActivities } from './krayin-person';
import { outcomeActivities } from './outcomes';
import { planActivities } from './plan';
import { reconcileActivities } from './reconcile';

export function createActivities(deps: ActivityDeps): ActivityFunctions {
  return {
    ...planActivities(deps),
    ...organizationActivities(deps),
    ...personActivities(deps),
    ...leadActivities(deps),
    ...outcomeActivities(deps),
    ...conversationActivities(deps),
    ...(deps.dispatcher ? reconcileActivities({ ...deps, dispatcher: deps.dispatcher }) : {}),
  };
}

export type { ActivityDeps } from './deps';
