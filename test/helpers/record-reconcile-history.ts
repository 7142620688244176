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
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { ensureTemporalBinary } from '../../src/dev/temporal-binary';
import { startDevServer } from '../../src/dev/temporal-dev-server';

const TASK_QUEUE = 'record-reconcile';
const KRAYIN_QUEUE = `${TASK_QUEUE}.krayin.default`;
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

async function main(): Promise<void> {
  const [workflowsPath, out] = process.argv.slice(2);
  if (!workflowsPath || !out) throw new Error('usage: record-reconcile-history.ts <workflows/index.ts> <out.binpb>');
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
        const handle = await client.workflow.start('reconcile', {
          workflowId: RECORDED_WORKFLOW_ID,
          taskQueue: TASK_QUEUE,
          args: [{ connectionId: 'default', mode: 'full' }],
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
