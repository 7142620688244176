/**
 * The composition root, by role:
 *
 *   worker    Temporal workers + activities + their deps (src/runtime/worker.ts)
 *   http      ingest, admin, codec and metrics routes + Temporal client + dispatcher (src/runtime/http.ts)
 *   embedded  `start`: both in one process, with the embedded Temporal dev server when TEMPORAL_ADDRESS
 *             is unset (src/runtime/temporal.ts)
 *
 * Production deployments scale `worker` and `ingest` (the http role) separately, see docker-compose.yml.
 * Shared pieces: store (store.ts), metrics (metrics.ts), per-connection services
 * (connection-services.ts), shutdown ordering (shutdown.ts).
 */
import { encryptedDataConverter } from '../codec/data-converter';
import { createEncryptionCodec } from '../codec/encryption-codec';
import type { AppConfig } from '../config/schema';
import { createLogger, type Logger } from '../logging';
import type { Store } from '../store/types';
import { installSdkLogging } from '../temporal/runtime-logging';
import { publicBase, uiCodecEndpoint } from './codec-ui';
import { createConnectionServices } from './connection-services';
import { startHttpRole } from './http';
import { explainStartError } from './http-server';
import { createServiceMetrics } from './metrics';
import { ShutdownSteps } from './shutdown';
import { openServiceStore } from './store';
import { reserveHttpPort, resolveTemporal } from './temporal';
import { adminTokenFor, workerMetricsTokenFor } from './tokens';
import { startWorkerRole } from './worker';
import { createSettingsLayer, type ConnectionCatalog, type ConnectionSettings } from '../settings';

export type Role = 'embedded' | 'worker' | 'http';

/** Which roles each role name runs in this process. */
export const ROLE_PARTS: Record<Role, { worker: boolean; ingest: boolean }> = {
  embedded: { worker: true, ingest: true },
  worker: { worker: true, ingest: false },
  http: { worker: false, ingest: true },
};

export interface ServiceOptions {
  /** Run the Temporal workers in this process. */
  worker: boolean;
  /** Run the HTTP server (webhook ingest, admin, codec, metrics) in this process. */
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
  /** Console-edited connection settings (the console uses the same). */
  settings: ConnectionSettings;
  /** The connections in force (env/config file layered with console settings), kept current. */
  catalog: ConnectionCatalog;
  stop(): Promise<void>;
}

/**
 * A local install: both roles in one process on the embedded database. Only then may a settings key be
 * generated under the data dir (replicas sharing a Postgres database each have their own disk, and a key
 * one of them generated would leave the others unable to read what it stored).
 */
function isEmbeddedInstall(config: AppConfig, opts: ServiceOptions): boolean {
  return opts.worker && opts.ingest && config.database.url === undefined;
}

export async function startService(config: AppConfig, opts: ServiceOptions): Promise<RunningService> {
  const log = opts.logger ?? createLogger(config.logLevel);
  installSdkLogging(log);
  const shutdown = new ShutdownSteps(log);
  try {
    // Before anything starts: a worker told to serve metrics but given no token would otherwise run
    // without the endpoint its operator expects to scrape.
    const metricsToken = opts.worker && !opts.ingest ? workerMetricsTokenFor(config) : undefined;
    const admin = opts.ingest ? adminTokenFor(config) : null;
    const codecServer = opts.ingest ? config.codec.codecServer : undefined;
    const embeddedUiCodec = !config.temporal.address && codecServer !== undefined;
    const httpPort = opts.ingest ? await reserveHttpPort(config, embeddedUiCodec) : 0;
    const temporal = await resolveTemporal(config, {
      shutdown,
      log,
      uiCodecEndpoint: embeddedUiCodec && codecServer ? uiCodecEndpoint(config, httpPort, codecServer) : null,
    });
    const store = await openServiceStore(config, opts.store, shutdown);
    // Console-edited settings over the env/config file: the connections in force from here on.
    const settings = createSettingsLayer({ config, store, embedded: isEmbeddedInstall(config, opts), log });
    await settings.catalog.refresh();
    settings.catalog.start();
    shutdown.add(() => settings.catalog.stop());
    const effective: AppConfig = { ...config, connections: settings.catalog.all() };
    const metrics = createServiceMetrics(() => settings.catalog.all(), store);
    const services = createConnectionServices({ config: effective, store, metrics, log });
    shutdown.add(() => services.close());
    // Registered before the roles' listeners: the clients are current when they run.
    settings.catalog.onChange((change) => services.syncConnections(change.connections));
    const dataConverter = config.codec.encryption
      ? encryptedDataConverter(createEncryptionCodec(config.codec.encryption))
      : undefined;
    const common = {
      config: effective,
      settings,
      temporal: temporal.options,
      store,
      metrics,
      services,
      log,
      shutdown,
      dataConverter,
    };
    if (opts.worker) await startWorkerRole({ ...common, workflowBundle: opts.workflowBundle, metricsToken });
    const port = opts.ingest
      ? await startHttpRole({ ...common, temporalUiUrl: temporal.uiUrl, admin, port: httpPort })
      : null;
    const ingestUrl = port === null ? null : publicBase(config, port);
    return {
      config,
      store,
      settings: settings.settings,
      catalog: settings.catalog,
      temporalAddress: temporal.address,
      temporalUiUrl: temporal.uiUrl,
      ingestUrl,
      adminTokenFile: admin?.file ?? null,
      webhookUrl: (id) => `${ingestUrl}/webhooks/chatwoot/${encodeURIComponent(id)}`,
      stop: () => shutdown.run(),
    };
  } catch (err) {
    await shutdown.run();
    throw explainStartError(err);
  }
}
