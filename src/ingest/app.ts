/**
 * The ingest HTTP app: Chatwoot webhooks in, durable SyncEvents out (see README.md in this folder).
 * No Krayin or Chatwoot API call happens here; answers take milliseconds.
 */
import express from 'express';
import type { ConnectionConfig } from '../config/schema';
import { krayinHintRouter } from './krayin-hint-route';
import { jsonLineLogger } from './logger';
import { errorHandler, notFoundHandler } from './responses';
import type { IngestCounters, IngestDeps, ReadinessReport } from './types';
import { webhookRouter } from './webhook-route';

export type {
  ConnectionSwitch,
  DeliveryRecorder,
  EventDispatcher,
  IngestCounters,
  IngestDeps,
  IngestLogger,
  ReadinessReport,
  ContactEvent,
  WebhookObservation,
} from './types';

export interface IngestApp {
  app: express.Express;
  counters: IngestCounters;
  /**
   * Settings changed without a restart: webhooks are accepted for exactly these connections from now on
   * (a new one's accepted, an edited secret checked, a removed one's refused with 404 unknown_connection).
   */
  setConnections(connections: readonly ConnectionConfig[]): void;
}

export function createIngestApp(deps: IngestDeps): IngestApp {
  const logger = deps.logger ?? jsonLineLogger();
  const now = deps.now ?? (() => new Date());
  const counters: IngestCounters = { accepted: 0, duplicates: 0, held: 0, ignored: {}, rejected: {} };
  const connections = new Map<string, ConnectionConfig>(deps.config.connections.map((c) => [c.id, c]));

  const warnUnsigned = (c: ConnectionConfig) => {
    if (c.chatwoot.webhookSecret === undefined) {
      logger.warn(
        { connectionId: c.id },
        c.chatwoot.webhookToken === undefined
          ? 'no webhook secret and no URL token: webhooks are accepted from anyone for this connection'
          : 'no webhook secret: unsigned webhooks are accepted with the URL token',
      );
    }
  };
  deps.config.connections.forEach(warnUnsigned);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await readinessReport(deps.readiness);
    res.status(report.ok ? 200 : 503).json({ status: report.ok ? 'ok' : 'unavailable', checks: report.checks });
  });
  app.use(webhookRouter({ deps, counters, logger, connections, now }));
  app.use(krayinHintRouter({ deps, counters, logger, connections }));
  app.use(notFoundHandler(counters));
  app.use(errorHandler(counters, logger));

  return {
    app,
    counters,
    setConnections(list) {
      // The routers hold this Map: refilled in place, the next request sees the new connections.
      const before = new Map(connections);
      connections.clear();
      for (const c of list) {
        connections.set(c.id, c);
        if (JSON.stringify(before.get(c.id)?.chatwoot) !== JSON.stringify(c.chatwoot)) warnUnsigned(c);
      }
    },
  };
}

async function readinessReport(readiness: IngestDeps['readiness']): Promise<ReadinessReport> {
  if (!readiness) return { ok: true, checks: {} };
  try {
    return await readiness();
  } catch (err) {
    return { ok: false, checks: { readiness: { ok: false, error: err instanceof Error ? err.name : 'Error' } } };
  }
}
