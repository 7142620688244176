/**
 * ConnectionSettings over the store: every change is validated as a whole connection (the schema and
 * the webhook rule) BEFORE anything is stored, secrets are sealed (src/settings/secret-box.ts), and the
 * change runs under the settings lock with the version bump (src/store/repositories/connection-settings.ts),
 * so every replica's ConnectionCatalog picks it up.
 */
import type { ConnectionConfig } from '../config/schema';
import type { JsonValue, SettingsSnapshot, SettingsWrite, Store } from '../store/types';
import {
  consoleValuesOf,
  connectionView,
  rawConnection,
  resolveConnections,
  validateConnection,
  type SettingsBase,
} from './layers';
import { flattenSettings, getAt, isSecretPath, pathProblem } from './paths';
import { NO_KEY_MESSAGE, type SecretBox } from './secret-box';
import type { ConnectionSettings, ConnectionSettingsView, SaveResult, SettingsIssue } from './types';

export interface StoredSettingsDeps {
  store: Pick<Store, 'connectionSettings'>;
  base: SettingsBase;
  /** Null: secrets cannot be stored (`unavailable` says why). */
  box: SecretBox | null;
  unavailable?: string;
  /** Called after a change is committed (the local catalog reloads at once instead of at its next poll). */
  afterChange?: () => Promise<void>;
}

type Planned =
  { ok: true; connection: ConnectionConfig; write: SettingsWrite } | { ok: false; issues: SettingsIssue[] };

export function createStoredConnectionSettings(deps: StoredSettingsDeps): ConnectionSettings {
  const { store, base, box } = deps;
  const configuredIds = new Set(base.configured.map((c) => c.id));

  const views = async (): Promise<ConnectionSettingsView[]> => {
    const snapshot = await store.connectionSettings.snapshot();
    return resolveConnections(base, snapshot, box).map((r) => ({
      ...connectionView(base, r),
      ...(r.problems.length > 0 ? { problems: r.problems } : {}),
    }));
  };

  /** Console values to store: secrets sealed; issues for what cannot be stored. */
  const toPuts = (id: string, values: Map<string, unknown>, issues: SettingsIssue[]): SettingsWrite['put'] =>
    [...values].map(([path, value]) => {
      if (!isSecretPath(path)) return { connectionId: id, path, value: value as JsonValue, secret: null };
      if (typeof value !== 'string') {
        issues.push({ path, message: 'must be text' });
        return { connectionId: id, path, value: null, secret: null };
      }
      if (!box) {
        issues.push({ path, message: deps.unavailable ?? NO_KEY_MESSAGE });
        return { connectionId: id, path, value: null, secret: null };
      }
      return { connectionId: id, path, value: null, secret: box.seal(id, path, value) };
    });

  /** Unknown paths: set, but not in the connection the schema returns (the schema drops unknown keys). */
  const unknownPaths = (connection: ConnectionConfig, paths: Iterable<string>): SettingsIssue[] =>
    [...paths]
      .filter((p) => getAt(connection, p) === undefined)
      .map((path) => ({ path, message: 'is not a setting of a connection' }));

  const commit = async (plan: (snapshot: SettingsSnapshot) => Promise<Planned>): Promise<SaveResult> => {
    const { result } = await store.connectionSettings.change<SaveResult>(async (snapshot) => {
      const planned = await plan(snapshot);
      return planned.ok
        ? { write: planned.write, result: { ok: true as const, connection: planned.connection } }
        : { write: null, result: planned };
    });
    if (result.ok) await deps.afterChange?.();
    return result;
  };

  return {
    secretStorage: box ? { available: true } : { available: false, reason: deps.unavailable ?? NO_KEY_MESSAGE },
    list: views,

    async get(id) {
      return (await views()).find((v) => v.id === id) ?? null;
    },

    update(id, changes, by) {
      return commit(async (snapshot) => {
        const known = configuredIds.has(id) || snapshot.consoleConnections.some((c) => c.connectionId === id);
        if (!known) return { ok: false, issues: [{ path: '', message: `unknown connection "${id}"` }] };
        const issues: SettingsIssue[] = [];
        const stored = consoleValuesOf(snapshot, box);
        const current = new Map(stored.values.get(id) ?? []);
        const set = new Map<string, unknown>();
        const drop: string[] = [];
        for (const [path, value] of Object.entries(changes)) {
          const problem = pathProblem(path);
          if (problem) {
            issues.push({ path, message: problem });
          } else if (value === null || value === undefined) {
            current.delete(path);
            drop.push(path);
          } else {
            current.set(path, value);
            set.set(path, value);
          }
        }
        // A stored secret that cannot be opened stays as it is unless this change replaces or drops it.
        for (const problem of stored.problems.get(id) ?? []) {
          const path = /the secret (\S+) /.exec(problem)?.[1];
          if (path && !set.has(path) && !drop.includes(path)) issues.push({ path, message: problem });
        }
        const puts = toPuts(id, set, issues);
        if (issues.length > 0) return { ok: false, issues };
        const checked = validateConnection(rawConnection(base, id, current), base.allowUnsignedWebhooks);
        if (!checked.ok) return checked;
        const unknown = unknownPaths(checked.connection, set.keys());
        if (unknown.length > 0) return { ok: false, issues: unknown };
        return {
          ok: true,
          connection: checked.connection,
          write: { by, put: puts, drop: drop.map((path) => ({ connectionId: id, path })) },
        };
      });
    },

    create(connection, by) {
      return commit(async (snapshot) => {
        const id = connection.id;
        if (typeof id !== 'string') return { ok: false, issues: [{ path: 'id', message: 'required' }] };
        if (configuredIds.has(id) || snapshot.consoleConnections.some((c) => c.connectionId === id)) {
          return { ok: false, issues: [{ path: 'id', message: `a connection "${id}" already exists` }] };
        }
        const values = flattenSettings(connection);
        const issues: SettingsIssue[] = [];
        for (const path of values.keys()) {
          const problem = pathProblem(path);
          if (problem) issues.push({ path, message: problem });
        }
        const puts = toPuts(id, values, issues);
        if (issues.length > 0) return { ok: false, issues };
        const checked = validateConnection(rawConnection(base, id, values), base.allowUnsignedWebhooks);
        if (!checked.ok) return checked;
        const unknown = unknownPaths(checked.connection, values.keys());
        if (unknown.length > 0) return { ok: false, issues: unknown };
        return { ok: true, connection: checked.connection, write: { by, addConnection: id, put: puts } };
      });
    },

    async remove(id, by) {
      if (configuredIds.has(id)) {
        return {
          ok: false,
          reason: `"${id}" is configured in the environment or the config file: it cannot be deleted here, disable it instead`,
        };
      }
      const { result } = await store.connectionSettings.change<{ ok: true } | { ok: false; reason: string }>(
        async (snapshot) =>
          snapshot.consoleConnections.some((c) => c.connectionId === id)
            ? { write: { by, removeConnection: id }, result: { ok: true as const } }
            : { write: null, result: { ok: false as const, reason: `unknown connection "${id}"` } },
      );
      if (result.ok) await deps.afterChange?.();
      return result;
    },
  };
}
