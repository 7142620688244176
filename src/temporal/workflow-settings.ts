import type { ConnectionConfig } from '../config/schema';
import type { ContactSyncSettings } from '../../workflows/api';

/**
 * Workflow timings derived from a connection's configuration. Read by the workflow through the
 * `connectionSettings` local activity (activities/store/index.ts) at each run start and wake.
 */
export function contactSyncSettings(c: ConnectionConfig): ContactSyncSettings {
  return {
    debounceMs: c.sync.debounceMs,
    // A contact chatting non-stop still gets synced at least this often.
    maxDebounceMs: Math.max(c.sync.debounceMs * 10, 30_000),
    idleCloseMs: c.sync.idleCloseMs,
    // One activity makes a few Krayin calls, each bounded by the client timeout.
    activityTimeoutMs: c.krayin.timeoutMs * 4,
    ...(c.twoWay.enabled ? { twoWay: true } : {}),
  };
}
