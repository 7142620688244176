/**
 * The layers: a connection in force = the connection schema applied to its raw object from the
 * environment or the config file (nothing for a connection added in the console) with every console
 * value set at its path. Which layer a value comes from: console if stored, else file or env if that
 * loader set it, else the schema's default.
 */
import { connectionSchema, type ConnectionConfig } from '../config/schema';
import type { ConfigSources } from '../config/sources';
import type { SettingsSnapshot } from '../store/types';
import { flattenSettings, getAt, hasAt, isSecretPath, SECRET_PATHS, setAt } from './paths';
import type { SecretBox } from './secret-box';
import type { ConnectionSettingsView, SettingLayer, SettingsIssue, SettingValue } from './types';

/** What the console settings are layered over. */
export interface SettingsBase {
  /** The connections of the environment / config file, in their order. */
  configured: readonly ConnectionConfig[];
  sources: ConfigSources;
  /** ALLOW_UNSIGNED_WEBHOOKS: a connection may then have neither a webhook secret nor a URL token. */
  allowUnsignedWebhooks: boolean;
}

export interface ResolvedConnection {
  id: string;
  origin: 'config' | 'console';
  /** Path -> console value (secrets decrypted). */
  consoleValues: Map<string, unknown>;
  /** The connection in force; for a configured one whose console values cannot apply, the configured one. */
  config: ConnectionConfig | null;
  /** Why the console values of this connection are not in force (key missing, no longer valid). */
  problems: string[];
}

/** Console values per connection, secrets opened with `box`; what cannot be opened is a problem. */
export function consoleValuesOf(
  snapshot: SettingsSnapshot,
  box: SecretBox | null,
): { values: Map<string, Map<string, unknown>>; problems: Map<string, string[]> } {
  const values = new Map<string, Map<string, unknown>>();
  const problems = new Map<string, string[]>();
  for (const s of snapshot.settings) {
    let value: unknown = s.value;
    if (s.secret) {
      if (!box) {
        pushTo(problems, s.connectionId, `the secret ${s.path} is stored but no settings key is configured`);
        continue;
      }
      try {
        value = box.open(s.connectionId, s.path, s.secret);
      } catch (err) {
        pushTo(problems, s.connectionId, (err as Error).message);
        continue;
      }
    }
    let map = values.get(s.connectionId);
    if (!map) values.set(s.connectionId, (map = new Map()));
    map.set(s.path, value);
  }
  return { values, problems };
}

function pushTo(map: Map<string, string[]>, key: string, item: string): void {
  const list = map.get(key) ?? [];
  list.push(item);
  map.set(key, list);
}

/** The raw connection object before the schema: the loader's object (or just the id) with console values set. */
export function rawConnection(
  base: SettingsBase,
  id: string,
  consoleValues: ReadonlyMap<string, unknown>,
): Record<string, unknown> {
  const loaded = base.sources.connections.get(id);
  const raw: Record<string, unknown> = loaded ? structuredClone(loaded) : { id };
  raw.id = id;
  for (const [path, value] of consoleValues) setAt(raw, path, structuredClone(value));
  return raw;
}

/**
 * Validates a raw connection as the config loader would (schema + the webhook rule). Issue messages
 * name the path, never the value.
 */
export function validateConnection(
  raw: Record<string, unknown>,
  allowUnsignedWebhooks: boolean,
): { ok: true; connection: ConnectionConfig } | { ok: false; issues: SettingsIssue[] } {
  const issues: SettingsIssue[] = [];
  const result = connectionSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      const missing = issue.code === 'invalid_type' && getAt(raw, path) === undefined;
      issues.push({ path, message: missing ? 'required' : issue.message });
    }
  }
  const chatwoot = (raw.chatwoot ?? {}) as Record<string, unknown>;
  if (!allowUnsignedWebhooks && !chatwoot.webhookSecret && !chatwoot.webhookToken) {
    issues.push({
      path: 'chatwoot.webhookSecret',
      message:
        'required: the webhook secret (Chatwoot >= 4.11.2), or a webhook URL token for unsigned Chatwoot versions',
    });
  }
  const unique = issues.filter((i, n) => issues.findIndex((j) => j.path === i.path && j.message === i.message) === n);
  return result.success && unique.length === 0 ? { ok: true, connection: result.data } : { ok: false, issues: unique };
}

/** Every connection in force at `snapshot`: the configured ones in order, then the console-added ones. */
export function resolveConnections(
  base: SettingsBase,
  snapshot: SettingsSnapshot,
  box: SecretBox | null,
): ResolvedConnection[] {
  const { values, problems } = consoleValuesOf(snapshot, box);
  const out: ResolvedConnection[] = [];
  const resolve = (id: string, origin: 'config' | 'console', configured: ConnectionConfig | null) => {
    const consoleValues = values.get(id) ?? new Map<string, unknown>();
    const found = [...(problems.get(id) ?? [])];
    const checked = validateConnection(rawConnection(base, id, consoleValues), base.allowUnsignedWebhooks);
    let config: ConnectionConfig | null = configured;
    if (found.length > 0 && origin === 'console') config = null;
    else if (checked.ok) config = checked.connection;
    else found.push(...checked.issues.map((i) => `${i.path || '(connection)'}: ${i.message}`));
    out.push({ id, origin, consoleValues, config, problems: found });
  };
  for (const c of base.configured) resolve(c.id, 'config', c);
  const configuredIds = new Set(base.configured.map((c) => c.id));
  for (const c of snapshot.consoleConnections) {
    if (!configuredIds.has(c.connectionId)) resolve(c.connectionId, 'console', null);
  }
  return out;
}

function layerOf(base: SettingsBase, resolved: ResolvedConnection, path: string): SettingLayer {
  for (const stored of resolved.consoleValues.keys()) {
    if (stored === path || path.startsWith(`${stored}.`)) return 'console';
  }
  if (resolved.origin === 'config') {
    const raw = base.sources.connections.get(resolved.id);
    if (raw && hasAt(raw, path)) return base.sources.kind;
  }
  return 'default';
}

/** What the console shows of a connection: each value in force with its layer; secrets as set or not. */
export function connectionView(base: SettingsBase, resolved: ResolvedConnection): ConnectionSettingsView {
  const effective = (resolved.config ?? { id: resolved.id }) as Record<string, unknown>;
  const paths = new Map<string, unknown>(flattenSettings(effective));
  for (const [path] of resolved.consoleValues) if (!paths.has(path)) paths.set(path, getAt(effective, path));
  for (const path of SECRET_PATHS) {
    if (path === 'dashboardApp.token' && !paths.has(path) && !resolved.consoleValues.has(path)) continue;
    if (!paths.has(path)) paths.set(path, undefined);
  }
  const values: SettingValue[] = [...paths.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, value]) => {
      const secret = isSecretPath(path);
      const layer = layerOf(base, resolved, path);
      return secret
        ? { path, value: null, secret, secretSet: value !== undefined && value !== null && value !== '', layer }
        : { path, value: value === undefined ? null : value, secret, layer };
    });
  return {
    id: resolved.id,
    origin: resolved.origin,
    enabled: resolved.config?.enabled ?? false,
    values,
  };
}
