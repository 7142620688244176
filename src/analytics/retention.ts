/** How long analytics rows are kept (ANALYTICS_RETENTION_DAYS), and the prune the HTTP process runs. */
import type { AppConfig } from '../config/schema';
import type { Store } from '../store/types';

/** How often the HTTP process prunes (src/runtime/http.ts). */
export const PRUNE_INTERVAL_MS = 3_600_000;

export function analyticsRetentionDays(config: Pick<AppConfig, 'analytics'>): number {
  return config.analytics.retentionDays;
}

/** Deletes the analytics rows older than the retention; resolves how many. */
export function pruneAnalytics(store: Pick<Store, 'syncEvents'>, retentionDays: number, now: Date): Promise<number> {
  return store.syncEvents.prune(new Date(now.getTime() - retentionDays * 86_400_000));
}
