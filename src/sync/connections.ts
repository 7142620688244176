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

/** In-flight calls may still hold a replaced client: it is closed this long after the replacement. */
export const REPLACED_CLIENT_CLOSE_MS = 60_000;

export class ConnectionRegistry {
  private readonly runtimes = new Map<string, ConnectionRuntime>();

  constructor(
    config: Pick<AppConfig, 'connections'>,
    private readonly factories: ClientFactories,
  ) {
    for (const c of config.connections) this.runtimes.set(c.id, this.build(c));
  }

  /**
   * Makes the registry serve `connections` (settings changed without a restart): a new connection gets
   * its clients, a changed one new clients (a new token, URL or budget is used from the next call), a
   * removed one is dropped. Replaced clients are closed a little later, after their calls in flight.
   */
  sync(connections: readonly ConnectionConfig[]): void {
    const wanted = new Map(connections.map((c) => [c.id, c]));
    const replaced: ConnectionRuntime[] = [];
    for (const [id, rt] of this.runtimes) {
      if (!wanted.has(id)) {
        this.runtimes.delete(id);
        replaced.push(rt);
      }
    }
    for (const c of connections) {
      const current = this.runtimes.get(c.id);
      if (current && JSON.stringify(current.config) === JSON.stringify(c)) continue;
      if (current) replaced.push(current);
      this.runtimes.set(c.id, this.build(c));
    }
    if (replaced.length === 0) return;
    const timer = setTimeout(() => {
      for (const rt of replaced) for (const client of [rt.krayin, rt.chatwoot]) void closeQuietly(client);
    }, REPLACED_CLIENT_CLOSE_MS);
    timer.unref();
  }

  private build(c: ConnectionConfig): ConnectionRuntime {
    const krayin = this.factories.krayin(c);
    const chatwoot = this.factories.chatwoot(c);
    return { config: c, krayin, chatwoot, lookups: new KrayinLookups(krayin), agents: new ChatwootAgents(chatwoot) };
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

async function closeQuietly(client: unknown): Promise<void> {
  const close = (client as { close?: () => Promise<void> }).close;
  if (typeof close !== 'function') return;
  try {
    await close.call(client);
  } catch {
    // A client that fails to close has nothing left to release.
  }
}
