/** The Prometheus registry of this process (served by the HTTP role, or the worker's METRICS_PORT). */
import type { AppConfig } from '../config/schema';
import { createMetrics, type Metrics } from '../metrics/metrics';
import type { Store } from '../store/types';

export function createServiceMetrics(config: AppConfig, store: Store): Metrics {
  return createMetrics({
    connections: config.connections.map((c) => c.id),
    // Every configured connection, 0 included: an absent series is not the same as "none parked".
    collectParked: async () => {
      const rows = await store.syncState.countByStatus();
      return config.connections.map((c) => ({
        connectionId: c.id,
        count: rows.find((r) => r.connectionId === c.id && r.status === 'parked')?.count ?? 0,
      }));
    },
    // Read in every process that serves metrics: the log is in the shared store, whoever forwards it.
    collectInboundLog: () => store.inbound.count(),
  });
}
