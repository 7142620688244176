export { createMetrics, METRIC_PREFIX } from './metrics';
export type {
  Metrics,
  MetricsOptions,
  ParkedCount,
  WebhookObservation,
  KrayinHintObservation,
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
  KRAYIN_HINT_OUTCOMES,
  SYNC_OUTCOMES,
  WEBHOOK_REASONS,
  ROUTE_SEGMENTS,
} from './labels';
export type { LabelRule, WebhookOutcome, KrayinHintOutcome, SyncOutcome } from './labels';
