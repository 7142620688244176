/**
 * The HTTP role: /webhooks/chatwoot/... (ingest), /healthz, /readyz, /metrics (token), /admin/...
 * (admin token), /console (the web console: admin token sign-in) and /codec/... (codec token, when payload encryption is on), with the Temporal client
 * and the dispatcher that hands each accepted webhook to its contact's workflow.
 */
import { PRUNE_INTERVAL_MS, pruneAnalytics } from '../analytics/retention';
import { Client, type Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import express from 'express';
import { createAdminRouter } from '../admin/router';
import { createChatwootAppRouter } from '../chatwoot-app/router';
import { createConsoleRouter } from '../console/router';
import { createCodecRouter } from '../codec/codec-server';
import { createEncryptionCodec } from '../codec/encryption-codec';
import type { AppConfig } from '../config/schema';
import { createIngestApp } from '../ingest/app';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics/metrics';
import { createMetricsRouter } from '../metrics/route';
import { ConnectionSwitches } from '../ops/connection-switches';
import { createConnectionProbes, type ConnectionProbes } from '../ops/reachability';
import type { Store } from '../store/types';
import type { TemporalConnectionOptions } from '../temporal/connection-options';
import { connectTemporalClient } from '../temporal/connect';
import { TemporalDispatcher } from '../temporal/dispatcher';
import { TemporalKrayinPollHints } from '../temporal/krayin-poll-hints';
import { alertingDispatcher } from './alerting-dispatcher';
import { startIngestDispatch } from './ingest-dispatch';
import { BatchedDeliveryRecorder } from '../inbound/batched-deliveries';
import { withEmbeddedUi } from './codec-ui';
import type { ConnectionServices } from './connection-services';
import { boundPort, closeServer, listen } from './http-server';
import type { ShutdownSteps } from './shutdown';
import type { AdminToken } from './tokens';
import type { SettingsLayer } from '../settings';

export interface HttpRoleDeps {
  config: AppConfig;
  temporal: TemporalConnectionOptions;
  /** The embedded Temporal UI, allowed to call the codec. */
  temporalUiUrl: string | null;
  store: Store;
  metrics: Metrics;
  services: ConnectionServices;
  admin: AdminToken | null;
  log: Logger;
  shutdown: ShutdownSteps;
  dataConverter: DataConverter | undefined;
  port: number;
  /** Console-edited settings and the connections in force (src/settings). */
  settings: SettingsLayer;
}

/** Deliveries older than this are forgotten (Chatwoot never redelivers after minutes, let alone days). */
const DELIVERY_RETENTION_MS = 14 * 24 * 3_600_000;

/** Starts the server; resolves to the port it listens on. */
export async function startHttpRole(d: HttpRoleDeps): Promise<number> {
  const { config, store, log } = d;
  const connection = await connectTemporalClient(d.temporal);
  d.shutdown.add(() => connection.close());
  const client = new Client({
    connection,
    namespace: d.temporal.namespace,
    ...(d.dataConverter ? { dataConverter: d.dataConverter } : {}),
  });
  const dispatcher = new TemporalDispatcher(client, config.temporal.taskQueue);
  const switches = new ConnectionSwitches(store);
  await reportHeldEvents(d);
  const ingestDispatch = await startIngestDispatch({
    config,
    store,
    temporal: dispatcher,
    log,
    shutdown: d.shutdown,
    metrics: d.metrics,
  });

  const app = express();
  app.disable('x-powered-by');
  if (d.admin) {
    const probes = liveProbes(d);
    app.use(
      createAdminRouter({
        config,
        store,
        switches,
        token: d.admin.token,
        connections: () => d.settings.catalog.all(),
        retry: (c, id, by) => dispatcher.retry(c, id, by),
        dispatch: (e, c) => dispatcher.dispatch(e, c),
        probes,
      }),
    );
    app.use(
      createConsoleRouter({
        config,
        store,
        connections: () => d.settings.catalog.all(),
        settings: d.settings.settings,
        switches,
        services: d.services,
        probes,
        temporal: client,
        taskQueue: config.temporal.taskQueue,
        retry: (c, id, by) => dispatcher.retry(c, id, by),
        dispatch: (e, c) => dispatcher.dispatch(e, c),
        temporalUiUrl: config.temporal.uiUrl ?? d.temporalUiUrl,
        adminToken: d.admin.token,
        now: () => new Date(),
      }),
    );
  }
  app.use(
    createChatwootAppRouter({
      config,
      connections: () => d.settings.catalog.all(),
      store,
      services: d.services,
      temporal: client,
      dispatcher,
      log,
    }),
  );
  const metricsToken = config.metrics.token ?? d.admin?.token;
  if (metricsToken) app.use(createMetricsRouter(d.metrics, { token: metricsToken }));
  addCodecRoutes(app, d);
  const { app: ingest, setConnections } = createIngestApp({
    config,
    dispatcher: alertingDispatcher(ingestDispatch.dispatcher, d.services.notifier),
    // Group commit for the dedupe too: concurrent webhooks share one INSERT instead of one commit each.
    deliveries: new BatchedDeliveryRecorder(store.deliveries),
    switches,
    observe: (o) => d.metrics.webhook(o),
    observeHint: (o) => d.metrics.krayinHint(o),
    readiness: () => readiness(store, connection, config.ingest.mode),
    krayinHints: new TemporalKrayinPollHints(client, config.temporal.taskQueue),
    logger: log,
  });
  app.use(ingest);
  // Settings changed in the console (this replica or another): webhooks and the forwarder follow.
  const unsubscribe = d.settings.catalog.onChange((change) => {
    setConnections(change.connections);
    ingestDispatch.forwarder?.setConnections(change.connections);
  });
  d.shutdown.add(async () => void unsubscribe());
  const server = await listen(app, d.port, config.host, 'http');
  d.shutdown.add(() => closeServer(server));
  startDeliveryPrune(d);
  startAnalyticsPrune(d);
  return boundPort(server);
}

/** Reachability probes of the connections in force: rebuilt when the settings change. */
function liveProbes(d: HttpRoleDeps): ConnectionProbes {
  let current = createConnectionProbes(d.settings.catalog.all());
  const unsubscribe = d.settings.catalog.onChange((change) => {
    const old = current;
    current = createConnectionProbes(change.connections);
    // Probes take seconds at most (PROBE_TIMEOUT_MS): the old clients close after those in flight.
    setTimeout(() => void old.close().catch(() => undefined), 30_000).unref();
  });
  d.shutdown.add(async () => {
    unsubscribe();
    await current.close();
  });
  return {
    reachability: (id) => current.reachability(id),
    contactExists: (id, contactId) => current.contactExists(id, contactId),
    close: () => current.close(),
  };
}

function addCodecRoutes(app: express.Express, d: HttpRoleDeps): void {
  const codecServer = d.config.codec.codecServer;
  if (!codecServer || !d.config.codec.encryption) return;
  app.use(
    createCodecRouter({
      codec: createEncryptionCodec(d.config.codec.encryption),
      token: codecServer.token,
      uiPathToken: codecServer.uiPathToken,
      allowedOrigins: withEmbeddedUi(codecServer.allowedOrigins, d.temporalUiUrl),
      logger: d.log,
    }),
  );
}

/** Analytics rows older than ANALYTICS_RETENTION_DAYS go (docs/console.md, "Analytics"). */
function startAnalyticsPrune(d: HttpRoleDeps): void {
  const prune = setInterval(() => {
    pruneAnalytics(d.store, d.config.analytics.retentionDays, new Date()).catch((err) =>
      d.log.warn({ err }, 'analytics prune failed'),
    );
  }, PRUNE_INTERVAL_MS);
  prune.unref();
  d.shutdown.add(async () => clearInterval(prune));
}

function startDeliveryPrune(d: HttpRoleDeps): void {
  const prune = setInterval(() => {
    d.store.deliveries
      .prune(new Date(Date.now() - DELIVERY_RETENTION_MS))
      .catch((err) => d.log.warn({ err }, 'delivery prune failed'));
  }, 6 * 3_600_000);
  prune.unref();
  d.shutdown.add(async () => clearInterval(prune));
}

/** In log mode ingest needs only the store to accept webhooks: Temporal is reported but does not fail it. */
async function readiness(store: Store, connection: Connection, mode: AppConfig['ingest']['mode']) {
  const check = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  };
  const checks = {
    store: await check(() => store.ping()),
    temporal: await check(() => connection.healthService.check({})),
  };
  return { ok: checks.store.ok && (mode === 'log' || checks.temporal.ok), checks };
}

/** A connection enabled again in the config finds its held events here: say so at every start. */
async function reportHeldEvents({ config, store, log }: HttpRoleDeps): Promise<void> {
  for (const c of config.connections) {
    const held = await store.heldEvents.count(c.id);
    if (held.events === 0) continue;
    log.warn(
      { connectionId: c.id, events: held.events, contacts: held.contacts },
      c.enabled
        ? 'events held while the connection was disabled: deliver them with "catch-up" (or drop them with "catch-up --discard")'
        : 'the connection is disabled in the configuration: its events are held until it is enabled and "catch-up" runs',
    );
  }
}
