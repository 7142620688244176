/**
 * Per-connection runtime: its configuration and its own clients. Each connection gets its own Krayin
 * client, so one tenant's token can never be sent to another tenant's CRM (a bug of older integrations).
 */
import type { AppConfig, ConnectionConfig } from '../config/schema';
import type { ChatwootConnectionApi } from '../chatwoot/api-client';
import type { KrayinApi } from '../krayin/api';
import { ChatwootAgents } from './agents';
import { KrayinLookups } from './lookups';

export interface ConnectionRuntime {
  config: ConnectionConfig;
  krayin: KrayinApi;
  chatwoot: ChatwootConnectionApi;
  lookups: KrayinLookups;
  agents: ChatwootAgents;
}

export interface ClientFactories {
  krayin(config: ConnectionConfig): KrayinApi;
  chatwoot(config: ConnectionConfig): ChatwootConnectionApi;
}

export class UnknownConnectionError extends Error {
  constructor(readonly connectionId: string) {
    super(`unknown connection "${connectionId}"`);
    this.name = 'UnknownConnectionError';
  }
}

export class ConnectionRegistry {
  private readonly runtimes = new Map<string, ConnectionRuntime>();

  constructor(config: AppConfig, factories: ClientFactories) {
    for (const c of config.connections) {
      const krayin = factories.krayin(c);
      const chatwoot = factories.chatwoot(c);
      this.runtimes.set(c.id, {
        config: c,
        krayin,
        chatwoot,
        lookups: new KrayinLookups(krayin),
        agents: new ChatwootAgents(chatwoot),
      });
    }
  }

  get(connectionId: string): ConnectionRuntime {
    const rt = this.runtimes.get(connectionId);
    if (!rt) throw new UnknownConnectionError(connectionId);
    return rt;
  }

  all(): ConnectionRuntime[] {
    return [...this.runtimes.values()];
  }
}
