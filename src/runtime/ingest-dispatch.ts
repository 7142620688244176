/**
 * What ingest's "durable" means, by INGEST_MODE (docs/architecture.md, "Ingest"):
 *
 *   direct  the webhook is answered after Temporal accepted its signalWithStart;
 *   log     after its row is committed to the store's inbound log (group commit); the forwarder of this
 *           process then hands it to Temporal, retrying while Temporal is away.
 *
 * Reconciliation, backfill and the admin API keep using the direct dispatcher.
 */
import type { AppConfig } from '../config/schema';
import { InboundForwarder } from '../inbound/forwarder';
import { InboundLogDispatcher } from '../inbound/log-dispatcher';
import type { EventDispatcher } from '../ingest/types';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/types';
import type { ShutdownSteps } from './shutdown';

export interface IngestDispatch {
  dispatcher: EventDispatcher;
  /** log mode only. */
  log: InboundLogDispatcher | null;
  forwarder: InboundForwarder | null;
}

export async function startIngestDispatch(d: {
  config: AppConfig;
  store: Store;
  temporal: EventDispatcher;
  log: Logger;
  shutdown: ShutdownSteps;
  /** Counts what the forwarder hands to Temporal (cks_inbound_forwarded_total). */
  metrics?: Pick<Metrics, 'inboundForwarded'>;
}): Promise<IngestDispatch> {
  const settings = d.config.ingest;
  // The forwarder also drains in direct mode: events a previous run in log mode accepted must not wait
  // forever because the mode was switched.
  const forwarder = new InboundForwarder({
    inbound: d.store.inbound,
    temporal: d.temporal,
    connections: d.config.connections,
    logger: d.log,
    concurrency: settings.forwardConcurrency,
    onForwarded: (n) => {
      logDispatcher?.forwarded(n);
      d.metrics?.inboundForwarded(n);
    },
  });
  const logDispatcher =
    settings.mode === 'log'
      ? new InboundLogDispatcher({
          inbound: d.store.inbound,
          maxEvents: settings.logMaxEvents,
          onAppended: () => forwarder.wake(),
        })
      : null;
  await logDispatcher?.start();
  forwarder.start();
  // Registered after the store's close, so it runs before it: the round in progress finishes first.
  d.shutdown.add(async () => {
    logDispatcher?.stop();
    await forwarder.stop();
  });
  return { dispatcher: logDispatcher ?? d.temporal, log: logDispatcher, forwarder };
}
