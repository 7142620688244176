export { createMetrics, METRIC_PREFIX } from './metrics';
export type {
  Metrics,
  MetricsOptions,
  ParkedCount,
  WebhookObservation,
  SyncObservation,
  KrayinCallObservation,
} from './metrics';
export { createMetricsRouter } from './route';
export type { MetricsRouteOptions } from './route';
export {
  safeLabel,
  isRouteTemplate,
  endpointLabel,
  connectionLabeler,
  OTHER,
  NO_REASON,
  WEBHOOK_OUTCOMES,
  SYNC_OUTCOMES,
  WEBHOOK_REASONS,
  ROUTE_SEGMENTS,
} from './labels';
export type { LabelRule, WebhookOutcome, SyncOutcome } from './labels';
