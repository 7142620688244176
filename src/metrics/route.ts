/**
 * GET /metrics in Prometheus text format. Optional bearer token: metrics hold no PII (labels are
 * sanitised), but counts of rejected webhooks and parked syncs are still operational detail worth hiding
 * on a public ingest port.
 */
import express, { type Request, type Response, type Router } from 'express';
import { assertStrongToken, bearerTokenOf, tokensEqual } from '../codec/bearer-auth';
import type { Metrics } from './metrics';

export interface MetricsRouteOptions {
  /** Require `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: ... }`). */
  token?: string;
  /** Default "/metrics". */
  path?: string;
}

export function createMetricsRouter(metrics: Metrics, opts: MetricsRouteOptions = {}): Router {
  if (opts.token !== undefined) assertStrongToken(opts.token, 'the metrics token');
  const router = express.Router();
  router.get(opts.path ?? '/metrics', async (req: Request, res: Response) => {
    if (opts.token !== undefined) {
      const given = bearerTokenOf(req.headers.authorization);
      if (given === null || !tokensEqual(given, opts.token)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        res.status(401).json({ error: 'unauthorized', reason: given === null ? 'missing_token' : 'bad_token' });
        return;
      }
    }
    try {
      const body = await metrics.render();
      res.setHeader('Content-Type', metrics.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(body);
    } catch {
      res.status(500).json({ error: 'internal', reason: 'metrics_unavailable' });
    }
  });
  return router;
}
