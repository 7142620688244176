/**
 * The Krayin request budget `krayin-hooks` spends: the connection's own, kept in the store and shared
 * with every worker (src/krayin/throttle.ts), so the command's ~10 calls never push a busy connection
 * into Krayin's 429s. Opened like the CLI's settings (src/settings/cli-config.ts): DATABASE_URL, or the
 * embedded database when the service created one. When the store cannot be used (the embedded database
 * is held by a running `npm start`, the database is down or not migrated), the calls are counted in this
 * process only, and `note` says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import { RequestThrottle } from '../krayin/throttle';
import { sharedConnectionState } from '../ops/shared-connection-state';
import { openStore } from '../store';
import type { Store } from '../store/types';

/** The command waits this long at most for a slot of the budget, then gives up with the reason. */
export const HOOKS_BUDGET_WAIT_MS = 30_000;

export interface HooksBudget {
  throttle: RequestThrottle;
  /** Why the budget is this process's only (printed); absent when it is the shared one. */
  note?: string;
  close(): Promise<void>;
}

export interface HooksBudgetOptions {
  /** An open, migrated store (tests); default: opened from the config and closed by close(). */
  store?: Store;
  /** Krayin's window (60 s; tests shorten it). */
  windowMs?: number;
  maxWaitMs?: number;
}

export async function hooksBudget(
  config: AppConfig,
  connection: ConnectionConfig,
  opts: HooksBudgetOptions = {},
): Promise<HooksBudget> {
  const limits = {
    ...(opts.windowMs === undefined ? {} : { windowMs: opts.windowMs }),
    maxWaitMs: opts.maxWaitMs ?? HOOKS_BUDGET_WAIT_MS,
  };
  const local = (note?: string): HooksBudget => ({
    throttle: new RequestThrottle({
      requestsPerMinute: connection.krayin.requestsPerMinute,
      callTimeoutMs: connection.krayin.timeoutMs,
      connectionId: connection.id,
      ...limits,
    }),
    ...(note === undefined ? {} : { note }),
    close: async () => undefined,
  });
  let opened: Store | null = null;
  try {
    let store = opts.store;
    if (!store) {
      const pgliteDir = path.join(path.resolve(config.dataDir), 'pglite');
      // The service never ran here: nothing else spends this connection's budget.
      if (!config.database.url && !fs.existsSync(pgliteDir)) return local();
      opened = await openStore(config.database.url ? { databaseUrl: config.database.url } : { pgliteDir });
      store = opened;
    }
    // A read that changes nothing: proves the budget table is there before any Krayin call relies on it.
    await store.krayinBudgets.update(connection.id, (state) => ({ state, result: undefined }));
    const keep = opened;
    return {
      throttle: sharedConnectionState(store, limits).throttleFor(connection),
      close: async () => void (await keep?.close().catch(() => undefined)),
    };
  } catch (err) {
    await opened?.close().catch(() => undefined);
    const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    return local(
      `the connection's shared Krayin budget could not be read (${reason}); these calls are counted in this process only`,
    );
  }
}
