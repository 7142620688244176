/**
 * The one place that decides where per-connection state shared by replicas lives: the store (Postgres
 * for replicas; PGlite when embedded, a single process). Each worker process builds it once and hands
 * its parts to the Krayin clients (budget), ConnectionHealth (auth block) and the notifier (dedupe).
 * Why the store and not Temporal's task-queue rate limit or a workflow per connection:
 * docs/architecture.md, "Scale-out".
 */
import type { ConnectionConfig } from '../config/schema';
import { RequestThrottle } from '../krayin/throttle';
import { parseStateKey, type NotificationState, type NotificationStateStore } from '../notify/state';
import type { JsonValue, Store } from '../store/types';
import type { SharedAuthBlocks } from './connection-health';

export interface SharedConnectionState {
  /** A connection's Krayin request budget, counted across every replica. */
  throttleFor(connection: ConnectionConfig): RequestThrottle;
  /** Give to ConnectionHealth: the auth block every replica sees. */
  authBlocks: SharedAuthBlocks;
  /** Give to the notifier: alert dedupe every replica sees. */
  notificationStates: NotificationStateStore;
}

export interface SharedConnectionStateOptions {
  /** Krayin's window; 60 s (tests shorten it). */
  windowMs?: number;
  /** Longest wait for a slot before a call fails fast (throttle.ts; default 5 s; one-off CLIs wait longer). */
  maxWaitMs?: number;
}

export function sharedConnectionState(store: Store, opts: SharedConnectionStateOptions = {}): SharedConnectionState {
  return {
    throttleFor: (c) =>
      new RequestThrottle({
        requestsPerMinute: c.krayin.requestsPerMinute,
        callTimeoutMs: c.krayin.timeoutMs,
        state: store.krayinBudgets,
        connectionId: c.id,
        ...(opts.windowMs === undefined ? {} : { windowMs: opts.windowMs }),
        ...(opts.maxWaitMs === undefined ? {} : { maxWaitMs: opts.maxWaitMs }),
      }),
    authBlocks: store.authBlocks,
    notificationStates: notificationStateStoreOn(store),
  };
}

/** The notifier's state store on the store's notification_states table. */
export function notificationStateStoreOn(store: Store): NotificationStateStore {
  return {
    async get(key) {
      const { connectionId, cause } = parseStateKey(key);
      const row = await store.notificationStates.get(connectionId, cause);
      // The notifier wrote it; it is its own format.
      return row ? { state: row.value as unknown as NotificationState, version: row.version } : undefined;
    },
    compareAndSet(key, expectedVersion, state) {
      const { connectionId, cause } = parseStateKey(key);
      return store.notificationStates.compareAndSet(
        connectionId,
        cause,
        expectedVersion ?? null,
        state as unknown as JsonValue,
      );
    },
  };
}
