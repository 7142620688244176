/**
 * Connection settings edited in the console, stored in the database and layered over the environment
 * and the config file (which stay the way to configure a headless deployment). Implemented in
 * src/settings/; the console's pages only use this interface.
 *
 * A setting is named by its dotted path in the config file's connection object ("krayin.url",
 * "sync.fieldMap", "sync.stageRules", "twoWay.fieldOwnership"...). A console value replaces the whole
 * value at its path (an object at "sync.fieldMap" is the new field map, not merged into the old one).
 */
import type { ConnectionConfig } from '../config/schema';

/** Where the value in force comes from, highest first: console > file > env > default. */
export type SettingLayer = 'console' | 'file' | 'env' | 'default';

export interface SettingValue {
  path: string;
  /** Secrets are never returned: `value` is null and `secretSet` says whether one is configured. */
  value: unknown;
  secret: boolean;
  secretSet?: boolean;
  layer: SettingLayer;
}

export interface ConnectionSettingsView {
  id: string;
  /** 'config': declared by env/config file (can be disabled and overridden, not deleted); 'console': added in the console. */
  origin: 'config' | 'console';
  enabled: boolean;
  values: SettingValue[];
  /**
   * Why console values of this connection are not in force (a secret the configured keys cannot open, a
   * value the schema no longer accepts). Absent when there is none. Never contains a value.
   */
  problems?: string[];
}

export interface SettingsIssue {
  path: string;
  message: string;
}

export type SaveResult = { ok: true; connection: ConnectionConfig } | { ok: false; issues: SettingsIssue[] };

export interface ConnectionSettings {
  /**
   * Whether secrets can be saved here (a settings key is configured or generated); when not, `reason` is
   * the sentence to show, and a change that sets a secret is refused with it.
   */
  secretStorage?: { available: boolean; reason?: string };
  list(): Promise<ConnectionSettingsView[]>;
  get(id: string): Promise<ConnectionSettingsView | null>;
  /**
   * Sets console values (path -> new value; null drops the console value, back to file/env/default).
   * The resulting connection is validated with the config schema before anything is stored; secrets are
   * encrypted at rest. Takes effect in every replica without a restart.
   */
  update(id: string, changes: Record<string, unknown>, by: string): Promise<SaveResult>;
  /** A new connection that exists only in the console (same shape as a config file connection). */
  create(connection: Record<string, unknown>, by: string): Promise<SaveResult>;
  /** Deletes a console-added connection; a configured one is refused with a reason (disable it instead). */
  remove(id: string, by: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}
