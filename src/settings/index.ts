/**
 * Connection settings: console-edited values stored in the database (encrypted secrets), layered over
 * the environment / config file, in force without a restart in every replica (docs/configuration.md,
 * "Settings edited in the console"). The console's pages use the ConnectionSettings interface (types.ts).
 */
import type { AppConfig } from '../config/schema';
import { configSourcesOf } from '../config/sources';
import type { Logger } from '../logging';
import type { Store } from '../store/types';
import { ConnectionCatalog } from './catalog';
import type { SettingsBase } from './layers';
import { secretBoxFor, type SecretBoxChoice } from './secret-box';
import { createStoredConnectionSettings } from './service';
import type { ConnectionSettings } from './types';

export type * from './types';
export { ConnectionCatalog, SETTINGS_POLL_MS, type CatalogChange, type CatalogListener } from './catalog';
export { SecretBox, SettingsKeyError, secretBoxFor, settingsKeyFile, NO_KEY_MESSAGE } from './secret-box';
export { SECRET_PATHS, isSecretPath } from './paths';
export { createStoredConnectionSettings } from './service';
export { rotateSettingsKey } from './rotate';

export interface SettingsLayer {
  settings: ConnectionSettings;
  catalog: ConnectionCatalog;
  keys: SecretBoxChoice;
}

/**
 * The settings of a service: its catalog (load it with `await catalog.refresh()`, poll with start()) and
 * the ConnectionSettings the console edits through. `embedded`: a local install that may keep a generated
 * key under its data dir.
 */
export function createSettingsLayer(deps: {
  config: AppConfig;
  store: Pick<Store, 'connectionSettings'>;
  embedded: boolean;
  log?: Logger;
  pollMs?: number;
}): SettingsLayer {
  const base: SettingsBase = {
    configured: deps.config.connections,
    sources: configSourcesOf(deps.config),
    allowUnsignedWebhooks: deps.config.allowUnsignedWebhooks,
  };
  const keys = secretBoxFor(deps.config, deps.embedded);
  const catalog = new ConnectionCatalog({
    store: deps.store,
    base,
    box: keys.box,
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
  });
  const settings = createStoredConnectionSettings({
    store: deps.store,
    base,
    box: keys.box,
    ...(keys.unavailable ? { unavailable: keys.unavailable } : {}),
    afterChange: async () => {
      await catalog.refresh();
    },
  });
  return { settings, catalog, keys };
}
