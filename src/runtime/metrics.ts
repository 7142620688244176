/** The Prometheus registry of this process (served by the HTTP role, or the worker's METRICS_PORT). */
import type { ConnectionConfig } from '../config/schema';
import { createMetrics, type Metrics } from '../metrics/metrics';
import type { Store } from '../store/types';

/**
 * `connections` gives the connections in force (the settings catalog's): a connection added in the
 * console is labelled by its id from its first observation, a removed one folds into "other".
 */
export function createServiceMetrics(connections: () => readonly ConnectionConfig[], store: Store): Metrics {
  let list: readonly ConnectionConfig[] | null = null;
  let ids: readonly string[] = [];
  const connectionIds = () => {
    const current = connections();
    if (current !== list) {
      list = current;
      ids = current.map((c) => c.id);
    }
    return ids;
  };
  return createMetrics({
    connections: connectionIds,
    // Every connection in force, 0 included: an absent series is not the same as "none parked".
    collectParked: async () => {
      const rows = await store.syncState.countByStatus();
      return connectionIds().map((id) => ({
        connectionId: id,
        count: rows.find((r) => r.connectionId === id && r.status === 'parked')?.count ?? 0,
      }));
    },
    // Read in every process that serves metrics: the log is in the shared store, whoever forwards it.
    collectInboundLog: () => store.inbound.count(),
  });
}
