/**
 * A worker in its own process, so tests can SIGKILL it mid-activity like a crashed pod. It runs the
 * real `worker` role (src/runtime/worker.ts). Config comes from CKS_TEST_CONFIG (an AppConfig
 * as JSON) and must name a Postgres database: PGlite cannot be shared with the test process.
 * CKS_WORKFLOW_BUNDLE, when set, is the path of workflow code the test bundled once: a respawn then
 * takes ~1-2 s instead of ~6 s (the chaos scenario respawns many times).
 * Prints "worker ready" on stdout once polling.
 * Benchmarks may set CKS_MEMORY_LOG (a file: one process.memoryUsage() JSON line a second) and
 * CKS_SDK_METRICS (host:port: the Temporal SDK's Prometheus exporter, e.g. its sticky cache size).
 * CKS_HEAP_SNAPSHOT_DIR: on SIGUSR2, heap snapshots of the main thread and of the SDK's workflow thread
 * (where the cached workflows live) are written there (a diagnosis aid, paused work while it writes).
 */
import { createWriteStream, appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeHeapSnapshot } from 'node:v8';
import workerThreads from 'node:worker_threads';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { appConfigSchema } from '../../src/config/schema';
import { createLogger } from '../../src/logging';
import { ROLE_PARTS, startService } from '../../src/runtime';

/** Keeps the worker threads the SDK starts (its workflow threads), to snapshot their heaps on request. */
function snapshotHeapsOnSignal(dir: string): void {
  const threads: workerThreads.Worker[] = [];
  const Original = workerThreads.Worker;
  // The SDK reads `Worker` off the module when it starts its threads, after this runs.
  (workerThreads as { Worker: typeof Original }).Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      threads.push(this);
    }
  };
  process.on('SIGUSR2', () => {
    const stamp = Date.now();
    writeHeapSnapshot(path.join(dir, `main-${stamp}.heapsnapshot`));
    threads.forEach((t, i) => {
      void t
        .getHeapSnapshot()
        .then((stream) => pipeline(stream, createWriteStream(path.join(dir, `thread${i}-${stamp}.heapsnapshot`))))
        .then(() => process.stderr.write(`heap snapshot of thread ${i} written\n`));
    });
  });
}

async function main(): Promise<void> {
  const snapshotDir = process.env.CKS_HEAP_SNAPSHOT_DIR;
  if (snapshotDir) snapshotHeapsOnSignal(snapshotDir);
  const sdkMetrics = process.env.CKS_SDK_METRICS;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    ...(sdkMetrics ? { telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetrics } } } } : {}),
  });
  const memoryLog = process.env.CKS_MEMORY_LOG;
  if (memoryLog) {
    setInterval(
      () => appendFileSync(memoryLog, `${JSON.stringify({ at: Date.now(), ...process.memoryUsage() })}\n`),
      1_000,
    ).unref();
  }
  const config = appConfigSchema.parse(JSON.parse(process.env.CKS_TEST_CONFIG ?? 'null'));
  if (!config.database.url || !config.temporal.address)
    throw new Error('worker-main needs database.url and temporal.address');
  const bundlePath = process.env.CKS_WORKFLOW_BUNDLE;
  const workflowBundle = bundlePath
    ? { code: readFileSync(bundlePath, 'utf8') }
    : await bundleWorkflowCode({
        workflowsPath: require.resolve('../../workflows'),
        logger: new DefaultLogger('WARN'),
      });
  await startService(config, { ...ROLE_PARTS.worker, logger: createLogger('error'), workflowBundle });
  process.stdout.write('worker ready\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
