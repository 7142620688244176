/**
 * The composition root: wires configuration, store, Temporal, workers and the ingest HTTP server.
 * `npm start` runs all of it in one process; `worker` and `ingest` run one half each (production
 * deployments scale them separately, see docker-compose.yml).
 */
import http from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { AppConfig } from './config/schema';
import { ensureTemporalBinary } from './dev/temporal-binary';
import { startDevServer, type DevServer } from './dev/temporal-dev-server';
import { createIngestApp } from './ingest/app';
import { createLogger, type Logger } from './logging';
import { openStore } from './store';
import type { Store } from './store/types';
import { createConnectionRegistry } from './sync/create-registry';
import { TemporalDispatcher } from './temporal/dispatcher';
import { installSdkLogging } from './temporal/runtime-logging';
import { createWorkers, type WorkerSet } from './temporal/workers';
import { createActivities } from '../activities';

export interface ServiceOptions {
  /** Run the Temporal workers in this process. */
  worker: boolean;
  /** Run the webhook ingest HTTP server in this process. */
  ingest: boolean;
  logger?: Logger;
  /** Tests pass a pre-built workflow bundle. */
  workflowBundle?: { code: string };
}

export interface RunningService {
  config: AppConfig;
  store: Store;
  temporalAddress: string;
  temporalUiUrl: string | null;
  /** Base URL of the ingest server, when it runs here. */
  ingestUrl: string | null;
  webhookUrl(connectionId: string): string;
  stop(): Promise<void>;
}

export async function startService(config: AppConfig, opts: ServiceOptions): Promise<RunningService> {
  const log = opts.logger ?? createLogger(config.logLevel);
  installSdkLogging(log);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => log.error({ err: e }, 'shutdown step failed'));
  };

  try {
    const dataDir = path.resolve(config.dataDir);
    let devServer: DevServer | null = null;
    let temporalAddress = config.temporal.address;
    let temporalUiUrl: string | null = null;
    if (!temporalAddress) {
      devServer = await startDevServer({
        binary: await ensureTemporalBinary(),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        logFile: path.join(dataDir, 'temporal.log'),
        namespace: config.temporal.namespace,
        readyTimeoutMs: 120_000,
      });
      stops.push(() => devServer!.stop());
      temporalAddress = devServer.address;
      temporalUiUrl = devServer.uiUrl;
      log.info({ address: temporalAddress }, 'embedded Temporal dev server started');
    }

    const store = await openStore(
      config.database.url ? { databaseUrl: config.database.url } : { pgliteDir: path.join(dataDir, 'pglite') },
    );
    stops.push(() => store.close());
    await store.migrate();

    const connection = await Connection.connect({ address: temporalAddress });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: config.temporal.namespace });

    if (opts.worker) {
      const workers = await startWorkers(config, temporalAddress, store, opts.workflowBundle, log);
      stops.push(() => workers.shutdown());
    }

    let ingestUrl: string | null = null;
    if (opts.ingest) {
      const { app } = createIngestApp({
        config,
        dispatcher: new TemporalDispatcher(client, config),
        deliveries: store.deliveries,
        readiness: async () => readiness(store, connection),
        logger: log,
      });
      const server = await listen(app, config.port, config.host);
      stops.push(() => closeServer(server));
      const port = (server.address() as { port: number }).port;
      ingestUrl = (config.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
    }

    return {
      config,
      store,
      temporalAddress,
      temporalUiUrl,
      ingestUrl,
      webhookUrl: (id) => `${ingestUrl}/webhooks/chatwoot/${encodeURIComponent(id)}`,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startWorkers(
  config: AppConfig,
  address: string,
  store: Store,
  workflowBundle: { code: string } | undefined,
  log: Logger,
): Promise<WorkerSet> {
  const connections = createConnectionRegistry(config);
  const nativeConnection = await NativeConnection.connect({ address });
  const workers = await createWorkers({
    connection: nativeConnection,
    config,
    activities: createActivities({ store, connections }),
    ...(workflowBundle ? { workflowBundle } : {}),
  });
  const running = workers.run().catch((err) => log.error({ err }, 'a Temporal worker stopped with an error'));
  return {
    ...workers,
    async shutdown() {
      await workers.shutdown();
      await running;
      await nativeConnection.close();
    },
  };
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

function listen(app: http.RequestListener, port: number, host: string): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
