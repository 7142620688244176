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
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { ensureTemporalBinary } from '../../src/dev/temporal-binary';
import { startDevServer } from '../../src/dev/temporal-dev-server';

const TASK_QUEUE = 'record-krayin-poll';
const KRAYIN_QUEUE = `${TASK_QUEUE}.krayin.default`;
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

async function main(): Promise<void> {
  const [workflowsPath, out] = process.argv.slice(2);
  if (!workflowsPath || !out) throw new Error('usage: record-krayin-poll-history.ts <workflows/index.ts> <out.binpb>');
  const server = await startDevServer({ binary: await ensureTemporalBinary(), headless: true });
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath });
    const native = await NativeConnection.connect({ address: server.address });
    const workers = await Promise.all([
      Worker.create({ connection: native, taskQueue: TASK_QUEUE, workflowBundle: bundle, activities: mainActivities }),
      Worker.create({ connection: native, taskQueue: KRAYIN_QUEUE, activities: krayinActivities }),
    ]);
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const history = await Promise.race([
      ...workers.map(async (w) => {
        await w.run();
        throw new Error('a worker stopped early');
      }),
      (async () => {
        const handle = await client.workflow.start('krayinPollWorkflow', {
          workflowId: RECORDED_WORKFLOW_ID,
          taskQueue: TASK_QUEUE,
          args: [{ connectionId: 'default' }],
        });
        await handle.result();
        return await handle.fetchHistory();
      })(),
    ]);
    writeFileSync(out, temporal.api.history.v1.History.encode(history).finish());
    console.log(`${out}: ${history.events?.length ?? 0} events`);
    for (const w of workers) w.shutdown();
    await connection.close();
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
