/**
 * Temporal workers of this process: one on the main queue (workflows + Chatwoot/store activities) and
 * one per connection on its Krayin queue. The Krayin queue has no task-queue rate limit: the budget is
 * counted in Krayin calls, in the store, across every replica (src/ops/shared-connection-state.ts),
 * which a limit in activities per second could only approximate (see docs/architecture.md "Scale-out").
 */
import type { DataConverter, Duration } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { AppConfig } from '../config/schema';
import { krayinTaskQueue } from '../shared/contact-sync-api';
import type { ActivityFunctions } from '../../activities/contracts';

export interface WorkerSetOptions {
  connection: NativeConnection;
  config: AppConfig;
  activities: ActivityFunctions;
  /** Pre-bundled workflow code (tests bundle once); default: bundle workflows/ at start. */
  workflowBundle?: { code: string };
  namespace?: string;
  /** Grace period for in-flight activities on shutdown. */
  shutdownGraceTime?: Duration;
  /** Payload encryption (src/codec); a pre-built bundle must then be built with its failureConverterPath. */
  dataConverter?: DataConverter;
}

export interface WorkerSet {
  workers: Worker[];
  /** Resolves when every worker has stopped; rejects if one fails. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function createWorkers(opts: WorkerSetOptions): Promise<WorkerSet> {
  const { connection, config, activities } = opts;
  const namespace = opts.namespace ?? config.temporal.namespace;
  const common: Partial<WorkerOptions> = {
    connection,
    namespace,
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
    ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
  };
  const workflows = opts.workflowBundle
    ? { workflowBundle: opts.workflowBundle }
    : { workflowsPath: require.resolve('../../workflows') };

  const main = await Worker.create({
    ...common,
    ...workflows,
    taskQueue: config.temporal.taskQueue,
    activities,
  });
  const krayinWorkers = await Promise.all(
    config.connections.map((c) =>
      Worker.create({
        ...common,
        taskQueue: krayinTaskQueue(config.temporal.taskQueue, c.id),
        activities,
      }),
    ),
  );
  const workers = [main, ...krayinWorkers];
  let running: Promise<void> | null = null;
  return {
    workers,
    run() {
      running ??= Promise.all(workers.map((w) => w.run())).then(() => undefined);
      return running;
    },
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running?.catch(() => undefined);
    },
  };
}
