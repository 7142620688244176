/**
 * Temporal workers of this process: one on the main queue (workflows + the Chatwoot, store and settings
 * activity sets) and one per connection on its Krayin queue (the Krayin set only). Each set is registered
 * only on its queue, so an activity proxied to the wrong queue fails loudly instead of calling Krayin
 * outside its budget. The Krayin queue has no task-queue rate limit: the budget is counted in Krayin
 * calls, in the store, across every replica (src/ops/shared-connection-state.ts), which a limit in
 * activities per second could only approximate (see docs/architecture.md "Scale-out").
 */
import type { DataConverter, Duration } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { AppConfig, WorkerSettings } from '../config/schema';
import type { ActivitySets } from '../../activities';
import { krayinTaskQueue } from '../../workflows/api';

export interface WorkerSetOptions {
  connection: NativeConnection;
  config: AppConfig;
  activities: ActivitySets;
  /** Pre-bundled workflow code (tests bundle once); default: bundle workflows/ at start. */
  workflowBundle?: { code: string };
  namespace?: string;
  /** Grace period for in-flight activities on shutdown. */
  shutdownGraceTime?: Duration;
  /** Payload encryption (src/codec); a pre-built bundle must then be built with its failureConverterPath. */
  dataConverter?: DataConverter;
}

export interface WorkerSet {
  /** The workers at start (the main queue's first). */
  workers: Worker[];
  /** Resolves when every worker has stopped; rejects if one fails. */
  run(): Promise<void>;
  /**
   * Settings changed without a restart: a Krayin-queue worker for each connection in `connectionIds`
   * that has none yet (started at once when the set runs), and the worker of a connection no longer
   * listed is shut down (its activities in flight finish first).
   */
  syncConnections(connectionIds: readonly string[]): Promise<void>;
  /** The connections whose Krayin queue has a worker now. */
  krayinQueues(): string[];
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
    activities: mainQueueActivities(activities),
    ...workflowCacheOptions(config.worker),
  });
  const createKrayinWorker = (connectionId: string) =>
    Worker.create({
      ...common,
      taskQueue: krayinTaskQueue(config.temporal.taskQueue, connectionId),
      activities: krayinQueueActivities(activities),
    });
  const krayin = new Map<string, { worker: Worker; running: Promise<void> | null }>();
  for (const [i, w] of (await Promise.all(config.connections.map((c) => createKrayinWorker(c.id)))).entries()) {
    krayin.set(config.connections[i]!.id, { worker: w, running: null });
  }
  const workers = [main, ...[...krayin.values()].map((k) => k.worker)];
  let running: Promise<void> | null = null;
  let stopping = false;
  // One change at a time: a second settings change waits for the workers of the first.
  let syncing: Promise<void> = Promise.resolve();
  const runKrayin = (entry: { worker: Worker; running: Promise<void> | null }) => {
    entry.running ??= entry.worker.run();
    return entry.running;
  };
  const stopKrayin = async (entry: { worker: Worker; running: Promise<void> | null }) => {
    if (entry.worker.getState() === 'RUNNING') entry.worker.shutdown();
    await entry.running?.catch(() => undefined);
  };
  return {
    workers,
    run() {
      if (!running) {
        running = Promise.all([main.run(), ...[...krayin.values()].map(runKrayin)]).then(() => undefined);
      }
      return running;
    },
    syncConnections(connectionIds) {
      syncing = syncing.then(async () => {
        if (stopping) return;
        const wanted = new Set(connectionIds);
        for (const [id, entry] of [...krayin]) {
          if (wanted.has(id)) continue;
          krayin.delete(id);
          await stopKrayin(entry);
        }
        for (const id of wanted) {
          if (krayin.has(id)) continue;
          const entry = { worker: await createKrayinWorker(id), running: null as Promise<void> | null };
          krayin.set(id, entry);
          // Stopping one of these never stops the set: run() covers the workers of the start only.
          if (running) void runKrayin(entry).catch(() => undefined);
        }
      });
      return syncing;
    },
    krayinQueues() {
      return [...krayin.keys()];
    },
    async shutdown() {
      stopping = true;
      await syncing.catch(() => undefined);
      for (const w of [main, ...[...krayin.values()].map((k) => k.worker)])
        if (w.getState() === 'RUNNING') w.shutdown();
      await running?.catch(() => undefined);
      await Promise.all([...krayin.values()].map((k) => k.running?.catch(() => undefined)));
    },
  };
}

/** SDK default of concurrent workflow tasks; it may not exceed a non-zero cache size. */
const SDK_MAX_CONCURRENT_WORKFLOW_TASKS = 40;

/**
 * The workflow cache of the main queue's worker (the Krayin queues run no workflows). Without a cap the
 * SDK sizes it from the V8 heap limit, not from the memory the process may use (docs/configuration.md,
 * `WORKER_MAX_CACHED_WORKFLOWS`). A small cache also lowers the concurrent workflow tasks, which the SDK
 * would otherwise lower itself with a warning.
 */
export function workflowCacheOptions(settings: WorkerSettings): Partial<WorkerOptions> {
  const { maxCachedWorkflows } = settings;
  if (maxCachedWorkflows > 0 && maxCachedWorkflows < SDK_MAX_CONCURRENT_WORKFLOW_TASKS) {
    return { maxCachedWorkflows, maxConcurrentWorkflowTaskExecutions: maxCachedWorkflows };
  }
  return { maxCachedWorkflows };
}

/** What the main queue's worker runs: Chatwoot reads, store writes, the settings local activity, reconciliation. */
export function mainQueueActivities(sets: ActivitySets) {
  return { ...sets.chatwoot, ...sets.store, ...sets.settings, ...sets.reconcile, ...sets.backfill, ...sets.twoWay };
}

/** What each Krayin queue's worker runs: the Krayin set (and the legacy activities old runs still schedule there). */
export function krayinQueueActivities(sets: ActivitySets) {
  return { ...sets.krayin, ...sets.legacyKrayinQueue, ...sets.backfillKrayin };
}
