/**
 * Records the history of one full reconcile pass, for the replay test (test/integration/reconcile-replay.test.ts):
 * the workflow code is bundled from the given path (e.g. a `git archive` of an older commit), the
 * activities are stubs with fixed answers, the server is a throwaway Temporal dev server.
 *
 *   npx tsx test/helpers/record-reconcile-history.ts <workflows/index.ts> <out.binpb>
 *
 * The pass: one contacts page, the Chatwoot deletion check, two pages of Krayin person ids (person 7
 * missing, handled), one page of lead ids, one conversations page.
 */
import { recordHistoryFromArgs } from './record-history';

const TASK_QUEUE = 'record-reconcile';
const RECORDED_WORKFLOW_ID = 'reconcile-full:default:manual';

const page = (done: boolean, maxContactId = 0) => ({ counts: { pages: 1 }, done, maxContactId });

const mainActivities = {
  reconcileCheckpoint: async () => ({ lastPassStartedAt: null, lastFullPassStartedAt: null, disabled: false }),
  reconcileContactsPage: async () => ({ ...page(true, 12), counts: { pages: 1, contactsSeen: 12 } }),
  reconcileLinkedAfter: async () => ({ counts: { goneFound: 0 }, done: true, maxContactId: 12 }),
  reconcileKrayinMissing: async () => ({ counts: { krayinDeletedFound: 1 }, done: true, maxContactId: 0 }),
  reconcileConversationsPage: async () => page(true),
  reconcileCompletePass: async () => undefined,
};

const krayinActivities = {
  krayinLinkedMissing: async (input: { kind: string; page: number }) => {
    if (input.kind === 'person' && input.page === 1) return { missing: [7], done: false, maxId: 500 };
    if (input.kind === 'person') return { missing: [], done: true, maxId: 620 };
    if (input.kind === 'lead') return { missing: [], done: true, maxId: 40 };
    throw new Error(`this recording predates kind ${input.kind}`);
  },
};

recordHistoryFromArgs({
  script: 'record-reconcile-history.ts',
  taskQueue: TASK_QUEUE,
  workflowType: 'reconcile',
  workflowId: RECORDED_WORKFLOW_ID,
  args: [{ connectionId: 'default', mode: 'full' }],
  mainActivities,
  krayinActivities,
});
