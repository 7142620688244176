/**
 * Where each connection of a loaded configuration came from, for the settings layers (src/settings):
 * the raw connection object as the loader read it (before defaults), and whether it came from the
 * environment or from the config file. The loaders record it next to the AppConfig they return.
 */
import type { AppConfig } from './schema';

export type ConfigSourceKind = 'env' | 'file';

export interface ConfigSources {
  kind: ConfigSourceKind;
  /** Connection id -> the raw connection object (only what was set; defaults not applied). */
  connections: ReadonlyMap<string, Record<string, unknown>>;
  /** True when recorded by a loader; false for a config built in code (every present value counts as set). */
  recorded: boolean;
}

const sources = new WeakMap<AppConfig, ConfigSources>();

export function recordConfigSources(config: AppConfig, kind: ConfigSourceKind, raw: unknown[]): void {
  const connections = new Map<string, Record<string, unknown>>();
  for (const c of raw) {
    if (c === null || typeof c !== 'object') continue;
    const record = c as Record<string, unknown>;
    if (typeof record.id === 'string') connections.set(record.id, structuredClone(record));
  }
  sources.set(config, { kind, connections, recorded: true });
}

/**
 * The sources of `config`: as recorded by its loader, else (a config parsed in code, e.g. by tests or
 * the demo) its parsed connections, counted as the config file.
 */
export function configSourcesOf(config: AppConfig): ConfigSources {
  const known = sources.get(config);
  if (known) return known;
  return {
    kind: 'file',
    connections: new Map(config.connections.map((c) => [c.id, structuredClone(c) as Record<string, unknown>])),
    recorded: false,
  };
}
