/**
 * The composition root: wires configuration, store, Temporal, workers and the HTTP server.
 * `npm start` runs all of it in one process; `worker` and `ingest` run one half each (production
 * deployments scale them separately, see docker-compose.yml).
 *
 * HTTP server (ingest side): /webhooks/chatwoot/... (ingest), /healthz, /readyz, /metrics (token),
 * /admin/... (admin token), /codec/... (codec token, when payload encryption is on).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import express from 'express';
import { createActivities } from '../activities';
import { createAdminRouter } from './admin/router';
import { createCodecRouter } from './codec/codec-server';
import { encryptedDataConverter } from './codec/data-converter';
import { createEncryptionCodec } from './codec/encryption-codec';
import { ConfigError } from './config/errors';
import type { AppConfig } from './config/schema';
import { ensureTemporalBinary } from './dev/temporal-binary';
import { assertPortFree, freePort, PortInUseError, startDevServer, type DevServer } from './dev/temporal-dev-server';
import { createIngestApp } from './ingest/app';
import type { EventDispatcher } from './ingest/types';
import { createLogger, type Logger } from './logging';
import { createMetrics, type Metrics } from './metrics/metrics';
import { createMetricsRouter } from './metrics/route';
import { createNotifier } from './notify/create-notifier';
import type { Notifier } from './notify/notifier';
import { ConnectionHealth } from './ops/connection-health';
import { ConnectionSwitches } from './ops/connection-switches';
import { createConnectionProbes } from './ops/reachability';
import { ensureReconcileSchedules } from './reconcile/schedules';
import { openStore } from './store';
import type { Store } from './store/types';
import { createConnectionRegistry, krayinClientFor } from './sync/create-registry';
import { TemporalDispatcher } from './temporal/dispatcher';
import { installSdkLogging } from './temporal/runtime-logging';
import { createWorkers, type WorkerSet } from './temporal/workers';

export interface ServiceOptions {
  /** Run the Temporal workers in this process. */
  worker: boolean;
  /** Run the webhook ingest HTTP server in this process. */
  ingest: boolean;
  logger?: Logger;
  /** Tests pass a pre-built workflow bundle. */
  workflowBundle?: { code: string };
  /** Tests pass an open, migrated store (the service then neither opens nor closes one). */
  store?: Store;
}

export interface RunningService {
  config: AppConfig;
  store: Store;
  temporalAddress: string;
  temporalUiUrl: string | null;
  /** Base URL of the HTTP server, when it runs here. */
  ingestUrl: string | null;
  /** Where the admin token generated for this data dir is kept (null when ADMIN_TOKEN is configured). */
  adminTokenFile: string | null;
  webhookUrl(connectionId: string): string;
  stop(): Promise<void>;
}

/** Deliveries older than this are forgotten (Chatwoot never redelivers after minutes, let alone days). */
const DELIVERY_RETENTION_MS = 14 * 24 * 3_600_000;

export async function startService(config: AppConfig, opts: ServiceOptions): Promise<RunningService> {
  const log = opts.logger ?? createLogger(config.logLevel);
  installSdkLogging(log);
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => log.error({ err: e }, 'shutdown step failed'));
  };

  // Before anything starts: a worker told to serve metrics but given no token would otherwise run
  // without the endpoint that its operator expects to scrape.
  const workerMetricsToken = opts.worker && !opts.ingest ? workerMetricsTokenFor(config) : undefined;

  try {
    const dataDir = path.resolve(config.dataDir);
    const dataConverter = config.codec.encryption
      ? encryptedDataConverter(createEncryptionCodec(config.codec.encryption))
      : undefined;
    const admin = opts.ingest ? adminTokenFor(config, dataDir) : null;

    let temporalAddress = config.temporal.address;
    let temporalUiUrl: string | null = null;
    // The embedded UI is told the codec URL before we listen: with PORT=0 pick the free port now.
    const uiNeedsCodec = !temporalAddress && opts.ingest && config.codec.codecServer !== undefined;
    const httpPort = uiNeedsCodec && config.port === 0 ? await freePort(config.host) : config.port;
    // Before the embedded Temporal (a minute on a cold start): a taken PORT fails at once.
    if (opts.ingest && httpPort !== 0) await assertPortFree(config.host, httpPort, 'http');
    if (!temporalAddress) {
      const devServer: DevServer = await startDevServer({
        binary: await ensureTemporalBinary(),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        logFile: path.join(dataDir, 'temporal.log'),
        namespace: config.temporal.namespace,
        readyTimeoutMs: 120_000,
        ...(config.codec.codecServer && opts.ingest
          ? { uiCodecEndpoint: uiCodecEndpoint(config, httpPort, config.codec.codecServer) }
          : {}),
      });
      stops.push(() => devServer.stop());
      temporalAddress = devServer.address;
      temporalUiUrl = devServer.uiUrl;
      log.info({ address: temporalAddress }, 'embedded Temporal dev server started');
    }

    let store = opts.store;
    if (!store) {
      const own = await openStore(
        config.database.url ? { databaseUrl: config.database.url } : { pgliteDir: path.join(dataDir, 'pglite') },
      );
      stops.push(() => own.close());
      await own.migrate();
      store = own;
    }

    const metrics = createMetrics({
      connections: config.connections.map((c) => c.id),
      // Every configured connection, 0 included: an absent series is not the same as "none parked".
      collectParked: async () => {
        const rows = await store.syncState.countByStatus();
        return config.connections.map((c) => ({
          connectionId: c.id,
          count: rows.find((r) => r.connectionId === c.id && r.status === 'parked')?.count ?? 0,
        }));
      },
    });
    const notifier = createNotifier({
      connections: Object.fromEntries(
        config.connections.filter((c) => c.notifications).map((c) => [c.id, c.notifications!]),
      ),
      ...(config.notifications ? { fallback: config.notifications } : {}),
      logger: log,
    });
    stops.push(() => notifier.close());

    const connection = await Connection.connect({ address: temporalAddress });
    stops.push(() => connection.close());
    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      ...(dataConverter ? { dataConverter } : {}),
    });

    if (opts.worker) {
      await ensureReconcileSchedules(client, config, log);
      const workers = await startWorkers({
        client,
        config,
        address: temporalAddress,
        store,
        metrics,
        notifier,
        log,
        dataConverter,
        workflowBundle: opts.workflowBundle,
      });
      stops.push(() => workers.shutdown());
      if (config.metrics.port && workerMetricsToken) {
        const server = await listen(
          metricsOnlyApp(metrics, workerMetricsToken),
          config.metrics.port,
          config.host,
          'metrics',
        );
        stops.push(() => closeServer(server));
      }
    }

    let ingestUrl: string | null = null;
    if (opts.ingest) {
      const dispatcher = new TemporalDispatcher(client, config);
      const switches = new ConnectionSwitches(store);
      await reportHeldEvents(config, store, log);
      const { app: ingest } = createIngestApp({
        config,
        dispatcher: alertingDispatcher(dispatcher, notifier),
        deliveries: store.deliveries,
        switches,
        observe: (o) => metrics.webhook(o),
        readiness: async () => readiness(store, connection),
        logger: log,
      });
      const app = express();
      app.disable('x-powered-by');
      if (admin) {
        const probes = createConnectionProbes(config.connections);
        stops.push(() => probes.close());
        app.use(
          createAdminRouter({
            config,
            store,
            switches,
            token: admin.token,
            retry: (c, id, by) => dispatcher.retry(c, id, by),
            dispatch: (e) => dispatcher.dispatch(e),
            probes,
          }),
        );
      }
      const metricsToken = config.metrics.token ?? admin?.token;
      if (metricsToken) app.use(createMetricsRouter(metrics, { token: metricsToken }));
      const codecServer = config.codec.codecServer;
      if (codecServer && config.codec.encryption) {
        app.use(
          createCodecRouter({
            codec: createEncryptionCodec(config.codec.encryption),
            token: codecServer.token,
            uiPathToken: codecServer.uiPathToken,
            allowedOrigins: withEmbeddedUi(codecServer.allowedOrigins, temporalUiUrl),
            logger: log,
          }),
        );
      }
      app.use(ingest);
      const server = await listen(app, httpPort, config.host, 'http');
      stops.push(() => closeServer(server));
      const port = (server.address() as { port: number }).port;
      ingestUrl = publicBase(config, port);

      const prune = setInterval(() => {
        store.deliveries
          .prune(new Date(Date.now() - DELIVERY_RETENTION_MS))
          .catch((err) => log.warn({ err }, 'delivery prune failed'));
      }, 6 * 3_600_000);
      prune.unref();
      stops.push(async () => clearInterval(prune));
    }

    return {
      config,
      store,
      temporalAddress,
      temporalUiUrl,
      ingestUrl,
      adminTokenFile: admin?.file ?? null,
      webhookUrl: (id) => `${ingestUrl}/webhooks/chatwoot/${encodeURIComponent(id)}`,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err instanceof PortInUseError ? new Error(explainPortInUse(err)) : err;
  }
}

const PORT_VARIABLES: Record<PortInUseError['role'], string> = {
  temporal: 'TEMPORAL_DEV_PORT',
  'temporal-ui': 'TEMPORAL_UI_PORT',
  http: 'PORT',
  metrics: 'METRICS_PORT',
};

/** Names the variable to change: the usual cause is a second instance (or another program) on the port. */
function explainPortInUse(err: PortInUseError): string {
  return (
    `${err.message} (another chatwoot-krayin-sync or another program listens there): ` +
    `stop it, or set ${PORT_VARIABLES[err.role]} to a free port`
  );
}

interface WorkerDeps {
  client: Client;
  config: AppConfig;
  address: string;
  store: Store;
  metrics: Metrics;
  notifier: Notifier;
  log: Logger;
  dataConverter: DataConverter | undefined;
  workflowBundle: { code: string } | undefined;
}

async function startWorkers(d: WorkerDeps): Promise<WorkerSet> {
  const { config, metrics, log } = d;
  const health = new ConnectionHealth({
    alerter: d.notifier,
    logger: log,
    probeIntervalMs: config.health.authProbeIntervalMs,
    unreachableAfterMs: config.health.unreachableAlertAfterMs,
    parkedLeft: async (connectionId, kind) => (await d.store.syncState.listParked(connectionId, kind, 1)).length,
  });
  const connections = createConnectionRegistry(config, {
    onKrayinCall: (id) => {
      const observeMetrics = metrics.krayinCallObserver(id);
      return (call) => {
        observeMetrics(call);
        health.observeKrayinCall(id, call);
      };
    },
    krayinBlocked: (id) => health.authBlocked(id),
  });
  // The probe uses its own client: the registry's clients refuse to call while blocked.
  const probes = new Map(config.connections.map((c) => [c.id, krayinClientFor(c)]));
  health.startProbes(async (id) => {
    await probes.get(id)?.getCurrentUser();
  });

  const nativeConnection = await NativeConnection.connect({ address: d.address });
  const workers = await createWorkers({
    connection: nativeConnection,
    config,
    activities: createActivities({
      store: d.store,
      connections,
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
      // Reconciliation hands differences to contact workflows through the webhook path (signalWithStart).
      dispatcher: new TemporalDispatcher(d.client, config),
    }),
    ...(d.workflowBundle ? { workflowBundle: d.workflowBundle } : {}),
    ...(d.dataConverter ? { dataConverter: d.dataConverter } : {}),
  });
  const running = workers.run().catch((err) => log.error({ err }, 'a Temporal worker stopped with an error'));
  return {
    ...workers,
    async shutdown() {
      health.stopProbes();
      await workers.shutdown();
      await running;
      await nativeConnection.close();
      await Promise.all([...probes.values()].map((p) => p.close()));
    },
  };
}

/**
 * The admin token: ADMIN_TOKEN, else (embedded installs) one generated once per data dir and kept in
 * <dataDir>/admin-token (mode 0600), where the CLI finds it.
 */
function adminTokenFor(config: AppConfig, dataDir: string): { token: string; file: string | null } {
  if (config.adminToken) return { token: config.adminToken, file: null };
  const file = path.join(dataDir, 'admin-token');
  if (fs.existsSync(file)) return { token: fs.readFileSync(file, 'utf8').trim(), file };
  fs.mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}

/** Alerts when events cannot be made durable (Temporal down): Chatwoot will not resend them. */
function alertingDispatcher(inner: EventDispatcher, notifier: Notifier): EventDispatcher {
  const failing = new Set<string>();
  return {
    async dispatch(e) {
      try {
        await inner.dispatch(e);
      } catch (err) {
        if (!failing.has(e.connectionId)) {
          failing.add(e.connectionId);
          void notifier.alert({
            connectionId: e.connectionId,
            cause: 'dispatch_failed',
            title: 'Webhooks cannot be handed to Temporal',
            text:
              'Temporal did not accept webhook events; they were answered 503 and Chatwoot does not resend them. ' +
              'Check Temporal, then run a reconciliation to catch up.',
            severity: 'critical',
          });
        }
        throw err;
      }
      if (failing.delete(e.connectionId)) {
        void notifier.resolve({
          connectionId: e.connectionId,
          cause: 'dispatch_failed',
          text: 'Temporal accepts events again.',
        });
      }
    },
  };
}

/**
 * The token of a worker's metrics port (METRICS_PORT): METRICS_TOKEN, else ADMIN_TOKEN. A worker has
 * no data dir token to fall back on, and metrics are never served open, so a port without either is a
 * configuration error.
 */
function workerMetricsTokenFor(config: AppConfig): string | undefined {
  if (!config.metrics.port) return undefined;
  const token = config.metrics.token ?? config.adminToken;
  if (!token) {
    throw new ConfigError([
      {
        field: 'METRICS_PORT',
        message: 'needs METRICS_TOKEN (or ADMIN_TOKEN): metrics are never served without a token',
      },
    ]);
  }
  return token;
}

function metricsOnlyApp(metrics: Metrics, token: string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createMetricsRouter(metrics, { token }));
  return app;
}

function publicBase(config: AppConfig, port: number): string {
  return (config.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
}

async function readiness(store: Store, connection: Connection) {
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
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}

function listen(app: http.RequestListener, port: number, host: string, role: 'http' | 'metrics'): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port, role) : err),
    );
    server.listen(port, host, () => resolve(server));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** What the embedded Temporal UI calls: the path-token URL when configured, since the UI sends no bearer token. */
function uiCodecEndpoint(config: AppConfig, port: number, codecServer: { uiPathToken?: string | undefined }): string {
  const base = `${publicBase(config, port)}/codec`;
  return codecServer.uiPathToken === undefined ? base : `${base}/${codecServer.uiPathToken}`;
}

/** The embedded UI may run on any port (TEMPORAL_UI_PORT): its origin is always allowed to call the codec. */
function withEmbeddedUi(origins: readonly string[], uiUrl: string | null): string[] {
  if (uiUrl === null) return [...origins];
  const ui = new URL(uiUrl);
  const local = ['127.0.0.1', 'localhost'].includes(ui.hostname)
    ? ['127.0.0.1', 'localhost'].map((host) => `${ui.protocol}//${host}:${ui.port}`)
    : [ui.origin];
  return [...new Set([...origins, ...local])];
}

/** A connection enabled again in the config finds its held events here: say so at every start. */
async function reportHeldEvents(config: AppConfig, store: Store, log: Logger): Promise<void> {
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
