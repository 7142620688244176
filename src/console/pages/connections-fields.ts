/**
 * The fields of the connections page's add/edit form: which setting each edits (its dotted path in the
 * config file's connection object), how it is labelled for support leads and sales ops, and how the
 * typed text becomes the setting's value. Validation is the settings layer's (the config schema): this
 * module only turns text into numbers where the schema expects numbers.
 */
import type { ConnectionConfig } from '../../config/schema';
import type { ConnectionSettingsView, SettingLayer, SettingsIssue } from '../../settings/types';

export type FieldGroup = 'chatwoot' | 'krayin' | 'lead';
type FieldKind = 'url' | 'text' | 'int' | 'number' | 'secret' | 'select' | 'idOrName';

export interface FieldDef {
  path: string;
  label: string;
  group: FieldGroup;
  kind: FieldKind;
  /** Needed to add a connection. */
  required?: boolean;
  hint?: string;
  options?: { value: string; label: string }[];
}

export const GROUPS: { key: FieldGroup; legend: string }[] = [
  { key: 'chatwoot', legend: 'Chatwoot' },
  { key: 'krayin', legend: 'Krayin' },
  { key: 'lead', legend: 'New leads' },
];

export const FIELDS: FieldDef[] = [
  {
    path: 'chatwoot.url',
    label: 'Chatwoot address',
    group: 'chatwoot',
    kind: 'url',
    required: true,
    hint: 'For example https://chat.example.com',
  },
  { path: 'chatwoot.accountId', label: 'Chatwoot account number', group: 'chatwoot', kind: 'int', required: true },
  {
    path: 'chatwoot.apiToken',
    label: 'Chatwoot access token',
    group: 'chatwoot',
    kind: 'secret',
    required: true,
    hint: 'From the profile settings of the Chatwoot user the sync acts as.',
  },
  {
    path: 'chatwoot.webhookSecret',
    label: 'Webhook secret',
    group: 'chatwoot',
    kind: 'secret',
    hint: 'Shown by Chatwoot (4.11.2 or newer) when you add the webhook.',
  },
  {
    path: 'chatwoot.webhookToken',
    label: 'Webhook address token',
    group: 'chatwoot',
    kind: 'secret',
    hint: 'Only for Chatwoot older than 4.11.2: at least 24 letters, digits, "-" or "_", put at the end of the webhook address.',
  },
  {
    path: 'krayin.url',
    label: 'Krayin API address',
    group: 'krayin',
    kind: 'url',
    required: true,
    hint: 'For example https://crm.example.com/api/v1',
  },
  {
    path: 'krayin.token',
    label: 'Krayin API token',
    group: 'krayin',
    kind: 'secret',
    required: true,
    hint: 'Of a Krayin user allowed to see all records (global view permission).',
  },
  {
    path: 'krayin.timezone',
    label: 'Krayin time zone',
    group: 'krayin',
    kind: 'text',
    hint: 'As set in Krayin, for example UTC or Europe/Berlin.',
  },
  {
    path: 'sync.leadPolicy',
    label: 'Create a lead',
    group: 'lead',
    kind: 'select',
    options: [
      { value: 'first_conversation', label: 'When the contact starts a first conversation' },
      { value: 'contact_created', label: 'As soon as the contact is copied to Krayin' },
      { value: 'never', label: 'Never' },
    ],
  },
  {
    path: 'sync.lead.pipeline',
    label: 'Pipeline',
    group: 'lead',
    kind: 'idOrName',
    hint: 'Name or number; empty: Krayin’s default pipeline.',
  },
  {
    path: 'sync.lead.stage',
    label: 'Stage',
    group: 'lead',
    kind: 'idOrName',
    hint: 'Empty: the pipeline’s first stage.',
  },
  { path: 'sync.lead.source', label: 'Source', group: 'lead', kind: 'idOrName', hint: 'For example Web.' },
  { path: 'sync.lead.type', label: 'Type', group: 'lead', kind: 'idOrName', hint: 'For example New Business.' },
  {
    path: 'sync.lead.owner',
    label: 'Sales owner',
    group: 'lead',
    kind: 'idOrName',
    hint: 'Krayin user number or email.',
  },
  {
    path: 'sync.lead.titleTemplate',
    label: 'Lead title',
    group: 'lead',
    kind: 'text',
    hint: 'May use {{name}}, {{email}}, {{company}} and {{contact_id}}.',
  },
  { path: 'sync.lead.value', label: 'Lead value', group: 'lead', kind: 'number' },
];

export const LAYER_WORDS: Record<SettingLayer, string> = {
  console: 'from the console',
  file: 'from the config file',
  env: 'from the environment',
  default: 'default',
};

/** The form field's name (dots are fine in urlencoded forms; ids get dashes). */
export function fieldId(path: string): string {
  return `f-${path.replace(/\./g, '-')}`;
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    if (typeof cur[key] !== 'object' || cur[key] === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** What the form shows of one setting: never a secret's value. */
export interface FieldState {
  /** Text for the input (always '' for a secret). */
  text: string;
  secretSet: boolean;
  layer: SettingLayer | null;
}

/** The setting in force: the settings layer's view first, else the connection as running. */
export function fieldState(
  field: FieldDef,
  view: ConnectionSettingsView | null,
  connection: ConnectionConfig | undefined,
): FieldState {
  const setting = view?.values.find((v) => v.path === field.path);
  if (field.kind === 'secret') {
    const set = setting ? setting.secretSet === true : getPath(connection, field.path) !== undefined;
    return { text: '', secretSet: set, layer: setting?.layer ?? null };
  }
  const value = setting ? setting.value : getPath(connection, field.path);
  return {
    text: value === undefined || value === null ? '' : String(value),
    secretSet: false,
    layer: setting?.layer ?? null,
  };
}

/** The typed text as the value the schema expects (numbers where it wants numbers); undefined when empty. */
export function parseField(field: FieldDef, raw: unknown): unknown {
  const text = typeof raw === 'string' ? (field.kind === 'secret' ? raw : raw.trim()) : '';
  if (text === '') return undefined;
  switch (field.kind) {
    case 'int':
    case 'idOrName':
      return /^\d{1,15}$/.test(text) ? Number(text) : text;
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    default:
      return text;
  }
}

export type FormBody = Record<string, unknown>;

/** A new connection from the add form: only the fields filled in (the schema supplies the defaults). */
export function connectionFromForm(body: FormBody): Record<string, unknown> {
  const out: Record<string, unknown> = { id: typeof body.id === 'string' ? body.id.trim() : '' };
  for (const field of FIELDS) {
    const value = parseField(field, body[field.path]);
    if (value !== undefined) setPath(out, field.path, value);
  }
  return out;
}

/**
 * The edit form's changes: a value that differs from the one in force is set; an emptied field drops
 * its console value (back to the config file, the environment or the default); a secret is changed only
 * when one was typed.
 */
export function changesFromForm(
  body: FormBody,
  view: ConnectionSettingsView | null,
  connection: ConnectionConfig | undefined,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = parseField(field, body[field.path]);
    const state = fieldState(field, view, connection);
    if (field.kind === 'secret') {
      if (value !== undefined) changes[field.path] = value;
      continue;
    }
    if (value === undefined) {
      if (state.layer === 'console') changes[field.path] = null;
      continue;
    }
    if (String(value) !== state.text) changes[field.path] = value;
  }
  return changes;
}

/** Issues by form field (the settings layer may name a path relative to the connection or to the file). */
export function issuesByField(issues: SettingsIssue[]): { byField: Map<string, string[]>; other: SettingsIssue[] } {
  const byField = new Map<string, string[]>();
  const other: SettingsIssue[] = [];
  const names = ['id', ...FIELDS.map((f) => f.path)];
  for (const issue of issues) {
    const name = names.find((n) => issue.path === n || issue.path.endsWith(`.${n}`));
    if (name) byField.set(name, [...(byField.get(name) ?? []), issue.message]);
    else other.push(issue);
  }
  return { byField, other };
}
