/**
 * The worker role: Temporal workers with their activities and what those need (store, per-connection
 * clients, notifier, health), plus a metrics-only port when no HTTP role runs in the process.
 */
import type { DataConverter } from '@temporalio/common';
import express from 'express';
import { Client } from '@temporalio/client';
import { createActivities } from '../../activities';
import type { AppConfig } from '../config/schema';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics/metrics';
import { createMetricsRouter } from '../metrics/route';
import type { Store } from '../store/types';
import type { TemporalConnectionOptions } from '../temporal/connection-options';
import { ensureReconcileSchedules, removeReconcileSchedules } from '../reconcile/schedules';
import { ensureKrayinPolls, stopKrayinPolls } from '../two-way/poll-start';
import { connectTemporalClient, connectTemporalWorker } from '../temporal/connect';
import { TemporalDispatcher } from '../temporal/dispatcher';
import { createWorkers } from '../temporal/workers';
import type { ConnectionServices } from './connection-services';
import { closeServer, listen } from './http-server';
import type { ShutdownSteps } from './shutdown';
import type { SettingsLayer } from '../settings';
import { watchHeapCeiling } from './node-heap';

export interface WorkerRoleDeps {
  config: AppConfig;
  temporal: TemporalConnectionOptions;
  store: Store;
  metrics: Metrics;
  services: ConnectionServices;
  log: Logger;
  shutdown: ShutdownSteps;
  dataConverter: DataConverter | undefined;
  /** Tests pass a pre-built workflow bundle. */
  workflowBundle: { code: string } | undefined;
  /** Serve /metrics on METRICS_PORT with this token (worker-only processes). */
  metricsToken: string | undefined;
  /** The connections in force, kept current (src/settings). */
  settings: SettingsLayer;
}

export async function startWorkerRole(d: WorkerRoleDeps): Promise<void> {
  const { config, services, log } = d;
  services.startHealthProbes();
  services.startReferencePreload();
  const stopHeapWatch = watchHeapCeiling(log);
  d.shutdown.add(async () => stopHeapWatch());
  const nativeConnection = await connectTemporalWorker(d.temporal);
  d.shutdown.add(() => nativeConnection.close());
  // A client too: the reconciliation Schedules are created or updated at start, and reconciliation
  // hands differences to contact workflows through the webhook path (signalWithStart).
  const clientConnection = await connectTemporalClient(d.temporal);
  d.shutdown.add(() => clientConnection.close());
  const client = new Client({
    connection: clientConnection,
    namespace: d.temporal.namespace,
    ...(d.dataConverter ? { dataConverter: d.dataConverter } : {}),
  });
  await ensureReconcileSchedules(client, config, log);
  const dispatcher = new TemporalDispatcher(client, config.temporal.taskQueue);
  const workers = await createWorkers({
    connection: nativeConnection,
    config,
    namespace: d.temporal.namespace,
    activities: activitiesFor(d, dispatcher),
    ...(d.workflowBundle ? { workflowBundle: d.workflowBundle } : {}),
    ...(d.dataConverter ? { dataConverter: d.dataConverter } : {}),
  });
  const running = workers.run().catch((err) => log.error({ err }, 'a Temporal worker stopped with an error'));
  // Two-way sync: each such connection's Krayin poll runs (started now, or already running).
  await ensureKrayinPolls(client, config, log);
  // Settings changed in the console: clients, Krayin-queue workers, schedules and polls follow, no restart.
  const unsubscribe = d.settings.catalog.onChange(async (change) => {
    const taskQueue = config.temporal.taskQueue;
    // Stopped before its Krayin-queue worker goes: a poll waiting on that queue could not end itself.
    const noPoll = change.changed.filter((c) => !c.enabled || !c.twoWay.enabled).map((c) => c.id);
    await stopKrayinPolls(client, [...change.removed, ...noPoll], taskQueue, log);
    await removeReconcileSchedules(client, change.removed, taskQueue, log);
    await workers.syncConnections(change.connections.map((c) => c.id));
    const touched = [...change.added, ...change.changed];
    if (touched.length === 0) return;
    const partial = { ...config, connections: touched };
    // A disabled connection's schedules are deleted here (ensureReconcileSchedules), a re-enabled or
    // re-added one gets them and its poll again.
    await ensureReconcileSchedules(client, partial, log);
    await ensureKrayinPolls(client, partial, log);
  });
  d.shutdown.add(async () => {
    unsubscribe();
    await workers.shutdown();
    await running;
  });
  if (config.metrics.port && d.metricsToken) {
    const app = express();
    app.disable('x-powered-by');
    app.use(createMetricsRouter(d.metrics, { token: d.metricsToken }));
    const server = await listen(app, config.metrics.port, config.host, 'metrics');
    d.shutdown.add(() => closeServer(server));
  }
}

/** The activities with their observers: metrics, and the health that raises and resolves alerts. */
function activitiesFor(d: WorkerRoleDeps, dispatcher: TemporalDispatcher) {
  const { metrics, services } = d;
  const { health } = services;
  return createActivities({
    store: d.store,
    connections: services.connections,
    dispatcher,
    onBackfillOutcome: (connection, outcome, dryRun) => metrics.backfillContact(connection, outcome, dryRun),
    observer: {
      sync: (connection, outcome, durationSeconds) => {
        metrics.sync({ connection, outcome, ...(durationSeconds === undefined ? {} : { durationSeconds }) });
        if (outcome === 'synced' || outcome === 'skipped' || outcome === 'gone') health.syncEnded(connection);
      },
      parked: (connection, reason) => health.parked(connection, reason),
      linkMismatch: (connection, record) => {
        metrics.linkMismatch(connection, record);
        health.linkMismatch(connection);
      },
    },
  });
}
