/** The production wiring of connections: each gets its own Krayin and Chatwoot HTTP clients. */
import { ChatwootClient } from '../chatwoot/api-client';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import { KrayinClient, type KrayinClientOptions } from '../krayin/client';
import { RequestThrottle } from '../krayin/throttle';
import { guardKrayin } from '../ops/krayin-guard';
import { ConnectionRegistry } from './connections';

export interface RegistryHooks {
  /** The `onCall` hook of a connection's Krayin client (metrics, health). */
  onKrayinCall?: (connectionId: string) => KrayinClientOptions['onCall'];
  /** While true, the connection's Krayin calls fail with an auth error without being sent. */
  krayinBlocked?: (connectionId: string) => boolean | Promise<boolean>;
  /** The connection's request budget (shared by replicas: src/ops/shared-connection-state.ts); default per process. */
  throttleFor?: (connection: ConnectionConfig) => RequestThrottle;
}

/** A connection's Krayin client with its request budget (this process's own unless `throttle` is given). */
export function krayinClientFor(
  c: ConnectionConfig,
  onCall?: KrayinClientOptions['onCall'],
  throttle?: RequestThrottle,
): KrayinClient {
  return new KrayinClient({
    baseUrl: c.krayin.url,
    token: c.krayin.token,
    timezone: c.krayin.timezone,
    timeoutMs: c.krayin.timeoutMs,
    writeSettleMs: c.krayin.writeSettleMs,
    throttle:
      throttle ??
      new RequestThrottle({ requestsPerMinute: c.krayin.requestsPerMinute, callTimeoutMs: c.krayin.timeoutMs }),
    ...(onCall ? { onCall } : {}),
  });
}

export function createConnectionRegistry(config: AppConfig, hooks: RegistryHooks = {}): ConnectionRegistry {
  return new ConnectionRegistry(config, {
    krayin: (c) => {
      const client = krayinClientFor(c, hooks.onKrayinCall?.(c.id), hooks.throttleFor?.(c));
      const blocked = hooks.krayinBlocked;
      return blocked ? guardKrayin(client, () => blocked(c.id)) : client;
    },
    chatwoot: (c) => ChatwootClient.forConnection(c),
  });
}
