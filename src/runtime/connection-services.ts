/**
 * The per-connection services of a process, built in ONE place: each connection's Krayin and Chatwoot
 * clients (with their request budget and the auth block), the alert notifier, and the connection
 * health that watches Krayin calls and raises or resolves alerts. State that has to be shared by
 * every replica (Krayin budget, auth block, alert dedupe) comes from the store here
 * (src/ops/shared-connection-state.ts).
 */
import { countKrayinCall } from '../analytics/call-tally';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import type { KrayinClient } from '../krayin/client';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics/metrics';
import { createLiveNotifier } from '../notify/create-notifier';
import type { NotificationsConfig } from '../notify/config';
import type { Notifier } from '../notify/notifier';
import { ConnectionHealth } from '../ops/connection-health';
import { sharedConnectionState } from '../ops/shared-connection-state';
import type { Store } from '../store/types';
import type { ConnectionRegistry } from '../sync/connections';
import { createConnectionRegistry, krayinClientFor } from '../sync/create-registry';
import { REFERENCE_TTL_MS } from '../sync/lookups';
import { fieldMapNeedsCatalog } from '../mapping/field-map';

/** Reference data is reloaded this often, before its cache entries expire (REFERENCE_TTL_MS). */
const REFERENCE_REFRESH_MS = Math.floor(REFERENCE_TTL_MS * 0.8);

export interface ConnectionServices {
  notifier: Notifier;
  /** The connections with alert channels of their own (the others use the service-wide channels). */
  notifierConnections(): string[];
  health: ConnectionHealth;
  /** Krayin and Chatwoot clients per connection; Krayin calls refused while its auth is blocked. */
  connections: ConnectionRegistry;
  /** Worker side: probe a blocked Krayin token until it works again. */
  startHealthProbes(): void;
  /**
   * Worker side: load each connection's Krayin reference data now and refresh it on a slow timer, so
   * no contact sync pays for pipelines, users or attributes (docs/performance.md).
   */
  startReferencePreload(): void;
  /**
   * Settings changed without a restart: clients, alert channels and health (probes, alerts) for the
   * connections in force now.
   */
  syncConnections(connections: readonly ConnectionConfig[]): void;
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
  const channelsOf = (list: readonly ConnectionConfig[]): Record<string, NotificationsConfig> =>
    Object.fromEntries(list.filter((c) => c.notifications).map((c) => [c.id, c.notifications!]));
  const live = createLiveNotifier({
    connections: channelsOf(config.connections),
    ...(config.notifications ? { fallback: config.notifications } : {}),
    logger: log,
    store: shared.notificationStates,
  });
  const notifier = live.notifier;
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
        // Analytics: counted into the running Krayin step's tally (none outside a step).
        countKrayinCall();
      };
    },
    krayinBlocked: (id) => health.authBlocked(id),
    throttleFor: shared.throttleFor,
  });
  // The probe uses its own client: the registry's clients refuse to call while blocked.
  const probes = new Map<string, KrayinClient>();
  const probeConfigs = new Map<string, string>();
  /** The probe client of a connection in force (built on first use, rebuilt after its settings changed). */
  const probeFor = (id: string): KrayinClient | undefined => {
    const existing = probes.get(id);
    if (existing) return existing;
    const c = connections.all().find((rt) => rt.config.id === id)?.config;
    if (!c) return undefined;
    const probe = krayinClientFor(c, undefined, shared.throttleFor(c));
    probes.set(id, probe);
    probeConfigs.set(id, JSON.stringify(c.krayin));
    return probe;
  };
  let preloadTimer: NodeJS.Timeout | null = null;
  const preload = async () => {
    for (const conn of connections.all()) {
      try {
        await conn.lookups.preload(conn.config.sync.lead, fieldMapNeedsCatalog(conn.config.sync.fieldMap));
      } catch (err) {
        // Krayin down or the token refused: the first sync loads what it needs (and reports why not).
        log.warn({ err, connectionId: conn.config.id }, 'Krayin reference data not preloaded');
      }
    }
  };
  return {
    notifier,
    notifierConnections: () => live.connectionIds(),
    health,
    connections,
    startHealthProbes() {
      health.startProbes(async (id) => {
        await probeFor(id)?.getCurrentUser();
      });
    },
    startReferencePreload() {
      if (preloadTimer) return;
      void preload();
      preloadTimer = setInterval(() => void preload(), REFERENCE_REFRESH_MS);
      preloadTimer.unref();
    },
    syncConnections(list) {
      connections.sync(list);
      // Alerts: each connection's own channels as now set, and the connections health watches.
      live.update(channelsOf(list));
      health.syncConnections(list.map((c) => c.id));
      // A removed connection is not probed any more.
      for (const [id, probe] of [...probes]) {
        if (list.some((c) => c.id === id)) continue;
        probes.delete(id);
        void probe.close().catch(() => undefined);
      }
      // A changed connection (a new token) is probed with a client of its new settings.
      for (const c of list) {
        const probe = probes.get(c.id);
        if (!probe || probeConfigs.get(c.id) === JSON.stringify(c.krayin)) continue;
        probes.delete(c.id);
        void probe.close().catch(() => undefined);
      }
    },
    async close() {
      if (preloadTimer) clearInterval(preloadTimer);
      health.stopProbes();
      await Promise.all([...probes.values()].map((p) => p.close()));
      await notifier.close();
    },
  };
}
