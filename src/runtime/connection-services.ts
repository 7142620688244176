/**
 * The per-connection services of a process, built in ONE place: each connection's Krayin and Chatwoot
 * clients (with their request budget and the auth block), the alert notifier, and the connection
 * health that watches Krayin calls and raises or resolves alerts. State that has to be shared by
 * every replica (Krayin budget, auth block, alert dedupe) comes from the store here
 * (src/ops/shared-connection-state.ts).
 */
import type { AppConfig } from '../config/schema';
import type { KrayinClient } from '../krayin/client';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics/metrics';
import { createNotifier } from '../notify/create-notifier';
import type { Notifier } from '../notify/notifier';
import { ConnectionHealth } from '../ops/connection-health';
import { sharedConnectionState } from '../ops/shared-connection-state';
import type { Store } from '../store/types';
import type { ConnectionRegistry } from '../sync/connections';
import { createConnectionRegistry, krayinClientFor } from '../sync/create-registry';

export interface ConnectionServices {
  notifier: Notifier;
  health: ConnectionHealth;
  /** Krayin and Chatwoot clients per connection; Krayin calls refused while its auth is blocked. */
  connections: ConnectionRegistry;
  /** Worker side: probe a blocked Krayin token until it works again. */
  startHealthProbes(): void;
  close(): Promise<void>;
}

export function createConnectionServices(deps: {
  config: AppConfig;
  store: Store;
  metrics: Metrics;
  log: Logger;
}): ConnectionServices {
  const { config, store, metrics, log } = deps;
  // Krayin budget, auth block and alert dedupe shared by every replica through the store.
  const shared = sharedConnectionState(store);
  const notifier = createNotifier({
    connections: Object.fromEntries(
      config.connections.filter((c) => c.notifications).map((c) => [c.id, c.notifications!]),
    ),
    ...(config.notifications ? { fallback: config.notifications } : {}),
    logger: log,
    store: shared.notificationStates,
  });
  const health = new ConnectionHealth({
    alerter: notifier,
    logger: log,
    probeIntervalMs: config.health.authProbeIntervalMs,
    unreachableAfterMs: config.health.unreachableAlertAfterMs,
    parkedLeft: async (connectionId, kind) => (await store.syncState.listParked(connectionId, kind, 1)).length,
    authBlocks: shared.authBlocks,
    connectionIds: config.connections.map((c) => c.id),
  });
  const connections = createConnectionRegistry(config, {
    onKrayinCall: (id) => {
      const observeMetrics = metrics.krayinCallObserver(id);
      return (call) => {
        observeMetrics(call);
        health.observeKrayinCall(id, call);
      };
    },
    krayinBlocked: (id) => health.authBlocked(id),
    throttleFor: shared.throttleFor,
  });
  // The probe uses its own client: the registry's clients refuse to call while blocked.
  const probes = new Map<string, KrayinClient>();
  return {
    notifier,
    health,
    connections,
    startHealthProbes() {
      for (const c of config.connections) probes.set(c.id, krayinClientFor(c, undefined, shared.throttleFor(c)));
      health.startProbes(async (id) => {
        await probes.get(id)?.getCurrentUser();
      });
    },
    async close() {
      health.stopProbes();
      await Promise.all([...probes.values()].map((p) => p.close()));
      await notifier.close();
    },
  };
}
