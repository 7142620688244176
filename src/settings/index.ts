/**
 * Connection settings as the console sees them. Interim: the configured connections, read-only, until
 * the stored settings layer lands (src/settings/types.ts is the contract).
 */
import type { AppConfig } from '../config/schema';
import type { ConnectionSettings } from './types';

export function createConnectionSettings(config: AppConfig): ConnectionSettings {
  const refused = {
    ok: false as const,
    issues: [{ path: '', message: 'settings cannot be changed in the console yet' }],
  };
  return {
    list: async () => config.connections.map((c) => ({ id: c.id, origin: 'config', enabled: c.enabled, values: [] })),
    get: async (id) => {
      const c = config.connections.find((x) => x.id === id);
      return c ? { id: c.id, origin: 'config', enabled: c.enabled, values: [] } : null;
    },
    update: async () => refused,
    create: async () => refused,
    remove: async () => ({ ok: false, reason: 'settings cannot be changed in the console yet' }),
  };
}
