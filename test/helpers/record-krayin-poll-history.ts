/**
 * Records the history of a short Krayin poll run, for the replay test (test/integration/krayin-poll-replay.test.ts):
 * the workflow code is bundled from the given path (e.g. a `git archive` of an older commit), the
 * activities are stubs with fixed answers, the server is a throwaway Temporal dev server.
 *
 *   npx tsx test/helpers/record-krayin-poll-history.ts <workflows/index.ts> <out.binpb>
 *
 * The run: five polls 300 ms apart (the second hands one change over), then two-way sync is off and the
 * workflow ends. Every poll also answers a 500 ms scan interval, which code before the id scan ignores:
 * the current code would scan from the third poll on, so the replay shows the scan stays behind its patch.
 */
import { recordHistoryFromArgs } from './record-history';

const TASK_QUEUE = 'record-krayin-poll';
const RECORDED_WORKFLOW_ID = 'krayin-poll:default';

let polls = 0;
const krayinActivities = {
  pollKrayinChanges: async () => {
    polls++;
    if (polls > 5) return { enabled: false };
    const watermark = `2026-12-07T12:00:0${polls}.000Z`;
    return {
      enabled: true,
      pollIntervalMs: 300,
      scanIntervalMs: 500,
      changes: polls === 2 ? [{ contactId: 7101, change: { personId: 11, updatedAt: watermark } }] : [],
      watermarks: { persons: watermark, leads: watermark },
      calls: 2,
      unlinkedPersons: 0,
    };
  },
  scanKrayinIds: async () => {
    throw new Error('this recording predates the id scan');
  },
};

const mainActivities = {
  handKrayinChanges: async (input: { changes: unknown[] }) => input.changes.length,
};

recordHistoryFromArgs({
  script: 'record-krayin-poll-history.ts',
  taskQueue: TASK_QUEUE,
  workflowType: 'krayinPollWorkflow',
  workflowId: RECORDED_WORKFLOW_ID,
  args: [{ connectionId: 'default' }],
  mainActivities,
  krayinActivities,
});
