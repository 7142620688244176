/**
 * Where this process's Temporal is: the configured server (TEMPORAL_ADDRESS with its TLS / API key
 * settings, src/temporal/connection-options.ts) or, for `start` without one, the embedded dev server.
 */
import path from 'node:path';
import type { AppConfig } from '../config/schema';
import { ensureTemporalBinary } from '../dev/temporal-binary';
import { assertPortFree, freePort, startDevServer } from '../dev/temporal-dev-server';
import type { Logger } from '../logging';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../temporal/connection-options';
import type { ShutdownSteps } from './shutdown';

export interface TemporalEndpoint {
  address: string;
  /** The embedded dev server's Web UI, when it runs here. */
  uiUrl: string | null;
  options: TemporalConnectionOptions;
}

/**
 * The HTTP port to listen on, decided before Temporal starts: with PORT=0 and an embedded UI that must
 * be told the codec URL, a free port is picked now; a taken PORT fails at once rather than after the
 * embedded Temporal's start (a minute on a cold start).
 */
export async function reserveHttpPort(config: AppConfig, embeddedUiNeedsCodec: boolean): Promise<number> {
  const port = embeddedUiNeedsCodec && config.port === 0 ? await freePort(config.host) : config.port;
  if (port !== 0) await assertPortFree(config.host, port, 'http');
  return port;
}

export async function resolveTemporal(
  config: AppConfig,
  deps: { shutdown: ShutdownSteps; log: Logger; uiCodecEndpoint: string | null },
): Promise<TemporalEndpoint> {
  const configured = config.temporal.address;
  if (configured) {
    return { address: configured, uiUrl: null, options: temporalConnectionOptions(config.temporal, configured) };
  }
  const dataDir = path.resolve(config.dataDir);
  const devServer = await startDevServer({
    binary: await ensureTemporalBinary(),
    port: config.temporal.port,
    uiPort: config.temporal.uiPort,
    dbFile: path.join(dataDir, 'temporal.sqlite'),
    logFile: path.join(dataDir, 'temporal.log'),
    namespace: config.temporal.namespace,
    readyTimeoutMs: 120_000,
    ...(deps.uiCodecEndpoint ? { uiCodecEndpoint: deps.uiCodecEndpoint } : {}),
  });
  deps.shutdown.add(() => devServer.stop());
  deps.log.info({ address: devServer.address }, 'embedded Temporal dev server started');
  return {
    address: devServer.address,
    uiUrl: devServer.uiUrl,
    options: temporalConnectionOptions(config.temporal, devServer.address, { embedded: true }),
  };
}
