/** The production wiring of connections: each gets its own Krayin and Chatwoot HTTP clients. */
import { ChatwootClient } from '../chatwoot/api-client';
import type { AppConfig } from '../config/schema';
import { KrayinClient, type KrayinClientOptions } from '../krayin/client';
import { ConnectionRegistry } from './connections';

export function createConnectionRegistry(
  config: AppConfig,
  hooks: { onKrayinCall?: (connectionId: string) => KrayinClientOptions['onCall'] } = {},
): ConnectionRegistry {
  return new ConnectionRegistry(config, {
    krayin: (c) =>
      new KrayinClient({
        baseUrl: c.krayin.url,
        token: c.krayin.token,
        timezone: c.krayin.timezone,
        timeoutMs: c.krayin.timeoutMs,
        ...(hooks.onKrayinCall ? { onCall: hooks.onKrayinCall(c.id) } : {}),
      }),
    chatwoot: (c) => ChatwootClient.forConnection(c),
  });
}
