/**
 * Records one workflow run's history for a replay test: the workflow code is bundled from the given path
 * (e.g. a `git archive` of an older commit), the activities are stubs with fixed answers (the main
 * queue's and the connection's Krayin queue's), the server is a throwaway Temporal dev server. Used by the
 * record-*-history.ts scripts, each with its own stubs.
 */
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { ensureTemporalBinary } from '../../src/dev/temporal-binary';
import { startDevServer } from '../../src/dev/temporal-dev-server';

type Stubs = Record<string, (...args: never[]) => Promise<unknown>>;

export interface Recording {
  /** The script's name, for its usage line. */
  script: string;
  taskQueue: string;
  workflowType: string;
  workflowId: string;
  args: unknown[];
  mainActivities: Stubs;
  /** Stubs of the `default` connection's Krayin queue (`<taskQueue>.krayin.default`). */
  krayinActivities: Stubs;
}

/** Runs `npx tsx <script> <workflows/index.ts> <out.binpb>`: records the run and writes the history. */
export function recordHistoryFromArgs(recording: Recording): void {
  const [workflowsPath, out] = process.argv.slice(2);
  const run = async () => {
    if (!workflowsPath || !out) throw new Error(`usage: ${recording.script} <workflows/index.ts> <out.binpb>`);
    await recordHistory(recording, workflowsPath, out);
  };
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

async function recordHistory(r: Recording, workflowsPath: string, out: string): Promise<void> {
  const server = await startDevServer({ binary: await ensureTemporalBinary(), headless: true });
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath });
    const native = await NativeConnection.connect({ address: server.address });
    const workers = await Promise.all([
      Worker.create({
        connection: native,
        taskQueue: r.taskQueue,
        workflowBundle: bundle,
        activities: r.mainActivities,
      }),
      Worker.create({ connection: native, taskQueue: `${r.taskQueue}.krayin.default`, activities: r.krayinActivities }),
    ]);
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const history = await Promise.race([
      ...workers.map(async (w) => {
        await w.run();
        throw new Error('a worker stopped early');
      }),
      (async () => {
        const handle = await client.workflow.start(r.workflowType, {
          workflowId: r.workflowId,
          taskQueue: r.taskQueue,
          args: r.args,
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
