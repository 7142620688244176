/**
 * The one-shot CLI commands that act on one connection (`connect`, `krayin-hooks`, `reconcile`,
 * `backfill`) see the connections the service runs with: the environment / config file layered with
 * the console settings stored in the database (a console-added connection, a token changed in the
 * console), read the same way the service reads them (ConnectionCatalog).
 *
 * When the database cannot be read (the embedded database is held by a running `npm start`, the
 * database is down or not migrated yet), the command still runs on the environment / config file
 * connections, and `unread` says why console values are missing: a connection that exists only in
 * the console is then refused with that reason and what to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/schema';
import { openStore } from '../store';
import type { Store } from '../store/types';
import { ConnectionCatalog } from './catalog';
import { configSourcesOf } from '../config/sources';
import { secretBoxFor } from './secret-box';

export interface CliConnections {
  /** The config with the connections in force (console values layered in when they could be read). */
  config: AppConfig;
  /** Why the console settings could not be read (the config is then the environment / config file's). */
  unread?: string;
}

/** Reads the layered connections; `store`: an open, migrated store (tests; the service's own). */
export async function cliConnections(config: AppConfig, deps: { store?: Store } = {}): Promise<CliConnections> {
  let store = deps.store;
  let opened: Store | null = null;
  try {
    if (!store) {
      const pgliteDir = path.join(path.resolve(config.dataDir), 'pglite');
      // An install that never started has no settings (and opening would create an empty database).
      if (!config.database.url && !fs.existsSync(pgliteDir)) return { config };
      opened = await openStore(config.database.url ? { databaseUrl: config.database.url } : { pgliteDir });
      store = opened;
    }
    // Never generates a key (embedded: false): a CLI only reads what the service stored.
    const { box } = secretBoxFor(config, false);
    const catalog = new ConnectionCatalog({
      store,
      base: {
        configured: config.connections,
        sources: configSourcesOf(config),
        allowUnsignedWebhooks: config.allowUnsignedWebhooks,
      },
      box,
    });
    await catalog.refresh();
    return { config: { ...config, connections: catalog.all() } };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    return { config, unread: `the settings saved in the console could not be read (${reason})` };
  } finally {
    await opened?.close().catch(() => undefined);
  }
}

/**
 * The error line for a `--connection` that names no connection in force: with the reason console
 * settings were not read and what to do when a console-added connection may be meant.
 */
export function unknownConnectionMessage(id: string, layered: CliConnections): string {
  const known = layered.config.connections.map((c) => c.id).join(', ') || 'none';
  const base = `No connection "${id}" in the configuration or the console (connections: ${known}).`;
  if (!layered.unread) return base;
  return (
    `No connection "${id}" in the configuration (connections: ${known}); ${layered.unread}. ` +
    'If it was added in the console: give this command the same DATABASE_URL and SETTINGS_ENCRYPTION_KEYS as ' +
    'the service; on the embedded database (one process at a time), stop `npm start` first, or run it from the console.'
  );
}

/** `--connection <id>` / `--connection=<id>` of a command line, if given. */
function requestedConnection(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--connection') return argv[i + 1];
    if (a.startsWith('--connection=')) return a.slice('--connection='.length);
  }
  return undefined;
}

/**
 * Runs a CLI command with the layered connections. A `--connection` that is in neither the
 * configuration nor (when they could be read) the console settings, while they could not be read,
 * is refused here with why and what to do (exit 78), instead of the command's "no such connection".
 */
export async function withCliConnections(
  config: AppConfig,
  argv: readonly string[],
  run: (config: AppConfig) => Promise<number>,
  deps: { store?: Store; error?: (line: string) => void } = {},
): Promise<number> {
  const layered = await cliConnections(config, deps.store ? { store: deps.store } : {});
  const requested = requestedConnection(argv);
  const error = deps.error ?? console.error;
  if (layered.unread && requested && !layered.config.connections.some((c) => c.id === requested)) {
    error(unknownConnectionMessage(requested, layered));
    return 78;
  }
  if (layered.unread) error(`Note: ${layered.unread}; using the values of the environment / config file.`);
  return run(layered.config);
}
