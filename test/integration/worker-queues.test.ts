/**
 * The workers of a process, as createWorkers builds them against the real Temporal dev server: the main
 * queue's worker runs the workflows and the Chatwoot, store and settings activities; each connection's
 * Krayin queue worker runs the Krayin set only, at its rate limit. So an activity proxied to the wrong
 * queue is never run there (the proxies' types keep that from compiling: test/unit/activity-sets.test.ts).
 */
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createConnectionRegistry } from '../../src/sync/create-registry';
import { createWorkers, type WorkerSet } from '../../src/temporal/workers';
import { krayinTaskQueue } from '../../workflows/api';
import { startHarness, workflowBundle, type Harness } from '../helpers/harness';

describe('workers per task queue', () => {
  let h: Harness;
  let connection: NativeConnection;
  let set: WorkerSet;

  beforeAll(async () => {
    h = await startHarness({ workers: false });
    connection = await NativeConnection.connect({ address: h.temporalAddress });
    const activities = createActivities({ store: h.store, connections: createConnectionRegistry(h.config) });
    set = await createWorkers({ connection, config: h.config, activities, workflowBundle: await workflowBundle() });
    // Running (polling their queues) so that shutdown releases the connection as in production.
    void set.run();
  });
  afterAll(async () => {
    await set?.shutdown();
    await connection?.close();
    await h?.close();
  });

  const registered = (i: number) => [...set.workers[i]!.options.activities.keys()].sort();

  it('one worker on the main queue and one per connection on its Krayin queue', () => {
    const base = h.config.temporal.taskQueue;
    expect(set.workers.map((w) => w.options.taskQueue)).toEqual([
      base,
      ...h.config.connections.map((c) => krayinTaskQueue(base, c.id)),
    ]);
  });

  it('the main queue runs the Chatwoot reads (and the CRM-facts write), the store writes and the settings local activity, no Krayin call', () => {
    expect(registered(0)).toEqual(
      [
        'planContactSync',
        'readConversation',
        'readMessages',
        'recordSynced',
        'recordSkipped',
        'recordParked',
        'recordGone',
        'recordConversation',
        'rememberConversations',
        'connectionSettings',
        // A contact deleted in Chatwoot: was it merged into another (Chatwoot reads), then the links move (store).
        'findMergeTarget',
        'relinkMergedContact',
        // Two-way sync: Krayin's winning fields written to the Chatwoot contact. (The poll's hand-over,
        // handKrayinChanges, needs the process's dispatcher, like the reconciliation's activities.)
        'applyKrayinPerson',
        // CRM facts in Chatwoot: the Chatwoot write of what the Krayin queue read.
        'applyLeadToChatwoot',
        // KRAYIN_NEW_PERSONS=create: the Chatwoot contact found or created for a person made in Krayin.
        'adoptKrayinPersons',
        // "Create lead" from the CRM panel: the lead mapped from Chatwoot (ensureLead writes it, Krayin queue).
        'planAgentLead',
        // CRM_ACTIVITY_NOTES: a sales user's Krayin activity as a private note (read on the Krayin queue).
        'noteKrayinActivity',
      ].sort(),
    );
  });

  it('the Krayin queue runs the Krayin set (and the legacy activities older runs still schedule there), with no activity rate limit (the budget is counted in Krayin calls, in the store)', () => {
    expect(registered(1)).toEqual(
      [
        'fieldMapCatalog',
        'syncOrganization',
        'syncPerson',
        'ensureLead',
        'writeConversation',
        'writeMessages',
        'leadStageContext',
        'moveLeadStage',
        'setLeadOwner',
        'syncConversation',
        'syncMessageActivities',
        'assignLeadOwner',
        // ON_CHATWOOT_DELETE's Krayin write, the reconciliation's Krayin id pages, the backfill dry run's lookups.
        'applyChatwootDeletePolicy',
        'krayinLinkedMissing',
        'backfillFindPersons',
        // Two-way sync: the poll of changed persons and leads, the read of a contact's linked person.
        'pollKrayinChanges',
        'readPersonForTwoWay',
        // ... and its periodic id scan (deletions, edits that leave updated_at alone).
        'scanKrayinIds',
        // CRM facts in Chatwoot: the lead read, within the connection's Krayin budget.
        'readLeadForChatwoot',
        // CRM_ACTIVITY_NOTES: the activities poll and the read of one activity.
        'pollKrayinActivities',
        'readKrayinActivity',
        // The CRM panel's note and stage move (the lead it creates goes through ensureLead).
        'addLeadNote',
        'moveLeadForward',
      ].sort(),
    );
    expect(set.workers[1]!.options.maxTaskQueueActivitiesPerSecond).toBeUndefined();
  });
});
