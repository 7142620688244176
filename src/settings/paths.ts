/**
 * Setting paths: dotted names in a connection object ("krayin.url", "sync.fieldMap"), the secrets among
 * them, and reading/writing a value at a path of a plain JSON object.
 */

/**
 * Secrets: stored encrypted, never returned. `dashboardApp.token` is listed before the schema has it, so
 * it is never stored in clear once it does.
 */
export const SECRET_PATHS: readonly string[] = [
  'krayin.token',
  'chatwoot.apiToken',
  'chatwoot.webhookSecret',
  'chatwoot.webhookToken',
  'krayinHooks.token',
  'dashboardApp.token',
];

export function isSecretPath(path: string): boolean {
  return SECRET_PATHS.includes(path);
}

/**
 * Objects that are ONE setting (maps and lists): a console value replaces them whole, the view lists them
 * as one value. Other objects are sections, listed by their fields.
 */
export const WHOLE_VALUE_PATHS: readonly string[] = [
  'sync.fieldMap',
  'sync.stageRules',
  'sync.conversations.activityTypes',
  'twoWay.fieldOwnership',
  'crmFacts.stageLabels',
  'notifications',
];

const PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** Why `path` cannot name a setting, or null. */
export function pathProblem(path: string): string | null {
  if (!PATH.test(path)) return 'is not a setting name (dotted words such as krayin.url)';
  if (path === 'id') return 'the connection id cannot be changed';
  if (path.split('.').some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype')) {
    return 'is not a setting name';
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function getAt(target: unknown, path: string): unknown {
  let node: unknown = target;
  for (const key of path.split('.')) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

export function hasAt(target: unknown, path: string): boolean {
  return getAt(target, path) !== undefined;
}

/** Sets `value` at `path`, creating (or replacing non-object) sections on the way. */
export function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * The settings of a connection object, path -> value: fields of sections, whole values for maps and
 * lists (WHOLE_VALUE_PATHS), arrays and scalars. `id` is not a setting.
 */
export function flattenSettings(connection: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(connection)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (path === 'id' || value === undefined) continue;
    if (isPlainObject(value) && !WHOLE_VALUE_PATHS.includes(path)) {
      for (const [p, v] of flattenSettings(value, path)) out.set(p, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}
