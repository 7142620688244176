/**
 * Configuration from environment variables: the service settings and ONE connection named "default".
 * Every variable is listed in ENV_VARIABLES (name -> place in the config + how the text is read);
 * docs/configuration.md documents the same list. Blank values count as unset (compose files often
 * write `FOO=`), values are trimmed (secrets mounted from files end in a newline).
 */
import { codecConfigFromEnv } from '../codec/config';
import { notificationsFromEnv } from '../notify/config';
import { ConfigError, isMissingAt, issueMessage, jsonPath, uniqueIssues, type ConfigIssue } from './errors';
import { loadConfigFile } from './file';
import { temporalProfileFromEnv } from './temporal-profile';
import { appConfigSchema, type AppConfig } from './schema';
import { recordConfigSources } from './sources';
import { parseKeyring } from '../codec/keyring';

export { ConfigError, type ConfigIssue } from './errors';
export { loadConfigFile } from './file';
export { redactConfig } from './redact';

/** How a variable's text becomes a config value. */
export type EnvKind =
  /** as is */
  | 'string'
  /** decimal text becomes a number; anything else is left for the schema to reject */
  | 'number'
  /** true/false/1/0/yes/no/on/off (case-insensitive) */
  | 'boolean'
  /** a numeric string is a Krayin id, anything else a name/code/email */
  | 'idOrName'
  /** a JSON object */
  | 'json'
  /** a JSON array */
  | 'jsonList'
  /** read by its feature's own loader (codec, notifications), named here for docs and redaction */
  | 'external';

export interface EnvVariable {
  name: string;
  path: readonly (string | number)[];
  kind: EnvKind;
  /** For JSON kinds: an example shown when the value is not JSON of the right shape. */
  example?: string;
  /** Never logged or echoed (redactConfig masks it too). */
  secret?: boolean;
}

const C = ['connections', 0] as const;
const TLS = ['temporal', 'tls'] as const;

export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'KRAYIN_URL', path: [...C, 'krayin', 'url'], kind: 'string' },
  { name: 'KRAYIN_TOKEN', path: [...C, 'krayin', 'token'], kind: 'string', secret: true },
  { name: 'KRAYIN_TIMEZONE', path: [...C, 'krayin', 'timezone'], kind: 'string' },
  { name: 'KRAYIN_REQUESTS_PER_MINUTE', path: [...C, 'krayin', 'requestsPerMinute'], kind: 'number' },
  { name: 'KRAYIN_WRITE_SETTLE_MS', path: [...C, 'krayin', 'writeSettleMs'], kind: 'number' },
  { name: 'CHATWOOT_URL', path: [...C, 'chatwoot', 'url'], kind: 'string' },
  { name: 'CHATWOOT_ACCOUNT_ID', path: [...C, 'chatwoot', 'accountId'], kind: 'number' },
  { name: 'CHATWOOT_API_TOKEN', path: [...C, 'chatwoot', 'apiToken'], kind: 'string', secret: true },
  { name: 'CHATWOOT_WEBHOOK_SECRET', path: [...C, 'chatwoot', 'webhookSecret'], kind: 'string', secret: true },
  { name: 'PORT', path: ['port'], kind: 'number' },
  { name: 'HOST', path: ['host'], kind: 'string' },
  { name: 'PUBLIC_URL', path: ['publicUrl'], kind: 'string' },
  { name: 'DATA_DIR', path: ['dataDir'], kind: 'string' },
  { name: 'LOG_LEVEL', path: ['logLevel'], kind: 'string' },
  { name: 'TEMPORAL_ADDRESS', path: ['temporal', 'address'], kind: 'string' },
  { name: 'TEMPORAL_NAMESPACE', path: ['temporal', 'namespace'], kind: 'string' },
  { name: 'TEMPORAL_TASK_QUEUE', path: ['temporal', 'taskQueue'], kind: 'string' },
  // Connection to an existing server (production cluster, Temporal Cloud): the names of the Temporal
  // SDKs' environment configuration (@temporalio/envconfig), so one .env serves the CLI too.
  { name: 'TEMPORAL_API_KEY', path: ['temporal', 'apiKey'], kind: 'string', secret: true },
  { name: 'TEMPORAL_TLS', path: ['temporal', 'tls', 'enabled'], kind: 'boolean' },
  { name: 'TEMPORAL_TLS_SERVER_NAME', path: ['temporal', 'tls', 'serverName'], kind: 'string' },
  { name: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', path: [...TLS, 'serverCaCert', 'path'], kind: 'string' },
  { name: 'TEMPORAL_TLS_SERVER_CA_CERT_DATA', path: [...TLS, 'serverCaCert', 'data'], kind: 'string' },
  { name: 'TEMPORAL_TLS_CLIENT_CERT_PATH', path: [...TLS, 'clientCert', 'path'], kind: 'string' },
  { name: 'TEMPORAL_TLS_CLIENT_CERT_DATA', path: [...TLS, 'clientCert', 'data'], kind: 'string' },
  { name: 'TEMPORAL_TLS_CLIENT_KEY_PATH', path: [...TLS, 'clientKey', 'path'], kind: 'string' },
  { name: 'TEMPORAL_TLS_CLIENT_KEY_DATA', path: [...TLS, 'clientKey', 'data'], kind: 'string', secret: true },
  // src/config/temporal-profile.ts reads these two: a profile of a Temporal TOML config file, which
  // the variables above override.
  { name: 'TEMPORAL_CONFIG_FILE', path: ['temporal', 'profile'], kind: 'external' },
  { name: 'TEMPORAL_PROFILE', path: ['temporal', 'profile'], kind: 'external' },
  { name: 'TEMPORAL_DEV_PORT', path: ['temporal', 'port'], kind: 'number' },
  { name: 'TEMPORAL_UI_PORT', path: ['temporal', 'uiPort'], kind: 'number' },
  { name: 'TEMPORAL_UI_URL', path: ['temporal', 'uiUrl'], kind: 'string' },
  // A postgres URL usually carries the password.
  { name: 'DATABASE_URL', path: ['database', 'url'], kind: 'string', secret: true },
  { name: 'WORKER_MAX_CACHED_WORKFLOWS', path: ['worker', 'maxCachedWorkflows'], kind: 'number' },
  { name: 'LEAD_POLICY', path: [...C, 'sync', 'leadPolicy'], kind: 'string' },
  { name: 'SYNC_ORGANIZATIONS', path: [...C, 'sync', 'syncOrganizations'], kind: 'boolean' },
  { name: 'ORGANIZATION_SOURCE', path: [...C, 'sync', 'organizationSource'], kind: 'string' },
  { name: 'EMAILLESS_POLICY', path: [...C, 'sync', 'emaillessPolicy'], kind: 'string' },
  { name: 'PLACEHOLDER_EMAIL_DOMAIN', path: [...C, 'sync', 'placeholderEmailDomain'], kind: 'string' },
  { name: 'LEAD_PIPELINE', path: [...C, 'sync', 'lead', 'pipeline'], kind: 'idOrName' },
  { name: 'LEAD_STAGE', path: [...C, 'sync', 'lead', 'stage'], kind: 'idOrName' },
  { name: 'LEAD_SOURCE', path: [...C, 'sync', 'lead', 'source'], kind: 'idOrName' },
  { name: 'LEAD_TYPE', path: [...C, 'sync', 'lead', 'type'], kind: 'idOrName' },
  { name: 'LEAD_OWNER', path: [...C, 'sync', 'lead', 'owner'], kind: 'idOrName' },
  { name: 'LEAD_TITLE_TEMPLATE', path: [...C, 'sync', 'lead', 'titleTemplate'], kind: 'string' },
  { name: 'LEAD_VALUE', path: [...C, 'sync', 'lead', 'value'], kind: 'number' },
  {
    name: 'FIELD_MAP',
    path: [...C, 'sync', 'fieldMap'],
    kind: 'json',
    example: '{"person":{"cw_tier":"custom_attributes.tier"}}',
  },
  {
    name: 'CONVERSATION_ACTIVITY_TYPES',
    path: [...C, 'sync', 'conversations', 'activityTypes'],
    kind: 'json',
    example: '{"Channel::Whatsapp":"call"}',
  },
  { name: 'DEFAULT_ACTIVITY_TYPE', path: [...C, 'sync', 'conversations', 'defaultActivityType'], kind: 'string' },
  { name: 'ACTIVITY_LOCATION', path: [...C, 'sync', 'conversations', 'location'], kind: 'string' },
  { name: 'MESSAGE_ACTIVITIES', path: [...C, 'sync', 'conversations', 'messageActivities'], kind: 'boolean' },
  {
    name: 'TRANSCRIPT_MAX_MESSAGES',
    path: [...C, 'sync', 'conversations', 'transcript', 'maxMessages'],
    kind: 'number',
  },
  {
    name: 'STAGE_RULES',
    path: [...C, 'sync', 'stageRules'],
    kind: 'jsonList',
    example: '[{"on":"first_agent_reply","stage":"follow-up"}]',
  },
  { name: 'ASSIGNEE_OWNER', path: [...C, 'sync', 'assigneeOwner'], kind: 'boolean' },
  { name: 'DEBOUNCE_MS', path: [...C, 'sync', 'debounceMs'], kind: 'number' },
  { name: 'IDLE_CLOSE_MS', path: [...C, 'sync', 'idleCloseMs'], kind: 'number' },
  { name: 'RECONCILE_SCHEDULE', path: [...C, 'sync', 'reconcile', 'schedule'], kind: 'string' },
  { name: 'ON_CHATWOOT_DELETE', path: [...C, 'sync', 'reconcile', 'onChatwootDelete'], kind: 'string' },
  { name: 'TWO_WAY_SYNC', path: [...C, 'twoWay', 'enabled'], kind: 'boolean' },
  { name: 'KRAYIN_POLL_INTERVAL', path: [...C, 'twoWay', 'pollInterval'], kind: 'string' },
  { name: 'KRAYIN_SCAN_INTERVAL', path: [...C, 'twoWay', 'scanInterval'], kind: 'string' },
  { name: 'FIELD_OWNERSHIP', path: [...C, 'twoWay', 'fieldOwnership'], kind: 'string' },
  { name: 'FIELD_OWNERSHIP_TIE', path: [...C, 'twoWay', 'tieGoesTo'], kind: 'string' },
  { name: 'KRAYIN_NEW_PERSONS', path: [...C, 'twoWay', 'newPersons'], kind: 'string' },
  // CRM facts in Chatwoot (src/config/crm-attributes.ts).
  { name: 'CRM_ATTRIBUTES', path: [...C, 'crmFacts', 'attributes'], kind: 'boolean' },
  { name: 'CRM_STAGE_LABELS', path: [...C, 'crmFacts', 'stageLabels'], kind: 'string' },
  { name: 'CRM_STAGE_NOTES', path: [...C, 'crmFacts', 'stageNotes'], kind: 'boolean' },
  { name: 'CRM_ACTIVITY_NOTES', path: [...C, 'crmFacts', 'activityNotes'], kind: 'boolean' },
  { name: 'CRM_KRAYIN_WEB_URL', path: [...C, 'crmFacts', 'krayinWebUrl'], kind: 'string' },
  { name: 'SYNC_ENABLED', path: [...C, 'enabled'], kind: 'boolean' },
  { name: 'CHATWOOT_WEBHOOK_TOKEN', path: [...C, 'chatwoot', 'webhookToken'], kind: 'string', secret: true },
  { name: 'KRAYIN_WEBHOOK_TOKEN', path: [...C, 'krayinHooks', 'token'], kind: 'string', secret: true },
  { name: 'CHATWOOT_DASHBOARD_APP_TOKEN', path: [...C, 'dashboardApp', 'token'], kind: 'string', secret: true },
  { name: 'CHATWOOT_DASHBOARD_APP_BACKWARD_MOVES', path: [...C, 'dashboardApp', 'backwardMoves'], kind: 'string' },
  { name: 'ALLOW_UNSIGNED_WEBHOOKS', path: ['allowUnsignedWebhooks'], kind: 'boolean' },
  { name: 'INGEST_MODE', path: ['ingest', 'mode'], kind: 'string' },
  { name: 'INGEST_LOG_MAX_EVENTS', path: ['ingest', 'logMaxEvents'], kind: 'number' },
  { name: 'INGEST_FORWARD_CONCURRENCY', path: ['ingest', 'forwardConcurrency'], kind: 'number' },
  { name: 'ADMIN_TOKEN', path: ['adminToken'], kind: 'string', secret: true },
  { name: 'METRICS_TOKEN', path: ['metrics', 'token'], kind: 'string', secret: true },
  { name: 'METRICS_PORT', path: ['metrics', 'port'], kind: 'number' },
  { name: 'ANALYTICS_RETENTION_DAYS', path: ['analytics', 'retentionDays'], kind: 'number' },
  // src/codec/config.ts reads these four.
  { name: 'PAYLOAD_ENCRYPTION_KEYS', path: ['codec', 'encryption'], kind: 'external', secret: true },
  { name: 'CODEC_SERVER_TOKEN', path: ['codec', 'codecServer', 'token'], kind: 'external', secret: true },
  {
    name: 'CODEC_UI_PATH_TOKEN',
    path: ['codec', 'codecServer', 'uiPathToken'],
    kind: 'external',
    secret: true,
  },
  { name: 'CODEC_CORS_ORIGINS', path: ['codec', 'codecServer', 'allowedOrigins'], kind: 'external' },
  // Keys that encrypt the secrets edited in the console (src/settings/secret-box.ts).
  { name: 'SETTINGS_ENCRYPTION_KEYS', path: ['settingsEncryption'], kind: 'external', secret: true },
  // src/notify/config.ts reads these (service-wide alert channels).
  { name: 'SLACK_WEBHOOK_URL', path: ['notifications', 'slack', 'webhookUrl'], kind: 'external', secret: true },
  { name: 'SLACK_STYLE', path: ['notifications', 'slack', 'style'], kind: 'external' },
  { name: 'SMTP_URL', path: ['notifications', 'email'], kind: 'external', secret: true },
  { name: 'SMTP_REQUIRE_TLS', path: ['notifications', 'email', 'requireTls'], kind: 'external' },
  { name: 'SMTP_FROM', path: ['notifications', 'email', 'from'], kind: 'external' },
  { name: 'ALERT_EMAIL_TO', path: ['notifications', 'email', 'to'], kind: 'external' },
  { name: 'ALERT_WINDOW_MS', path: ['notifications', 'windowMs'], kind: 'external' },
];

/** Names the JSON configuration file; when set, every variable of ENV_VARIABLES is ignored. */
export const CONFIG_FILE_VARIABLE = 'CONFIG_FILE';

/**
 * Every environment variable the configuration reads: the single list deployment files are checked
 * against (the compose example env file must list each one, so none can be dropped on the way).
 */
export const KNOWN_ENV_NAMES: readonly string[] = [CONFIG_FILE_VARIABLE, ...ENV_VARIABLES.map((v) => v.name)];

/** The connection id the environment loader gives its single connection. */
export const ENV_CONNECTION_ID = 'default';

/** CONFIG_FILE (JSON, several connections) when set, else the environment variables. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const file = env[CONFIG_FILE_VARIABLE]?.trim();
  return file ? loadConfigFile(file) : loadConfigFromEnv(env);
}

/** Throws ConfigError listing every bad or missing variable by name. */
export function loadConfigFromEnv(env: NodeJS.ProcessEnv): AppConfig {
  const input: Record<string, unknown> = {
    temporal: {},
    database: {},
    connections: [{ id: ENV_CONNECTION_ID, krayin: {}, chatwoot: {}, sync: { lead: {} } }],
  };
  const issues: ConfigIssue[] = [];

  // First: the variables below override the profile's values.
  readExternal(issues, () => {
    const profile = temporalProfileFromEnv(env);
    if (profile) input.temporal = profile;
  });

  for (const variable of ENV_VARIABLES) {
    const text = env[variable.name]?.trim();
    if (!text || variable.kind === 'external') continue;
    const read = readValue(variable.kind, text, variable.example);
    // An unreadable value is left out: every variable that can fail here has a default, so the
    // schema does not report it a second time as missing.
    if ('error' in read) issues.push({ field: variable.name, message: read.error });
    else setAt(input, variable.path, read.value);
  }

  readExternal(issues, () => {
    const codec = codecConfigFromEnv(env);
    if (codec.encryption || codec.codecServer) input.codec = codec;
  });
  readExternal(issues, () => {
    const keys = env.SETTINGS_ENCRYPTION_KEYS?.trim();
    if (keys) input.settingsEncryption = parseKeyring(keys, 'SETTINGS_ENCRYPTION_KEYS');
  });
  readExternal(issues, () => {
    const notifications = notificationsFromEnv(env);
    if (notifications.slack || notifications.email) input.notifications = notifications;
  });

  const result = appConfigSchema.safeParse(input);
  if (result.success && issues.length === 0) {
    recordConfigSources(result.data, 'env', input.connections as unknown[]);
    return result.data;
  }

  for (const issue of result.success ? [] : result.error.issues) {
    const variable = variableFor(issue.path);
    if (!variable) {
      issues.push({ field: jsonPath(issue.path), message: issueMessage(issue) });
      continue;
    }
    const missing = issue.code === 'invalid_type' && isMissingAt(input, issue.path);
    const subPath = issue.path.slice(variable.path.length);
    const message = missing ? 'required' : issueMessage(issue);
    issues.push({ field: variable.name, message: subPath.length > 0 ? `${jsonPath(subPath)}: ${message}` : message });
  }
  throw new ConfigError(uniqueIssues(sortByVariable(issues)));
}

/**
 * A feature loader throws an Error whose message starts with the variable's name ("SMTP_FROM is
 * required when ..."): turn it into an issue of that variable.
 */
function readExternal(issues: ConfigIssue[], load: () => void): void {
  try {
    load();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const variable = ENV_VARIABLES.find((v) => message.startsWith(`${v.name} `) || message.startsWith(`${v.name}:`));
    issues.push(
      variable
        ? { field: variable.name, message: message.slice(variable.name.length).replace(/^[:\s]+/, '') }
        : { field: 'environment', message },
    );
  }
}

type Read = { value: unknown } | { error: string };

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

function readValue(kind: EnvKind, text: string, example?: string): Read {
  switch (kind) {
    case 'string':
    case 'external':
      return { value: text };
    case 'number':
      // Non-numeric text is passed on as a string so the schema reports its own range message.
      return { value: /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : text };
    case 'idOrName':
      return { value: /^\d+$/.test(text) ? Number(text) : text };
    case 'boolean': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.includes(word)) return { value: true };
      if (FALSE_WORDS.includes(word)) return { value: false };
      return { error: 'must be true, false, 1, 0, yes or no' };
    }
    case 'json':
    case 'jsonList': {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      const list = kind === 'jsonList';
      if (value === null || typeof value !== 'object' || Array.isArray(value) !== list) {
        return { error: `must be a JSON ${list ? 'list' : 'object'} such as ${example ?? (list ? '[]' : '{}')}` };
      }
      return { value };
    }
  }
}

function setAt(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

/** The variable whose config path is the longest prefix of `path`. */
function variableFor(path: readonly PropertyKey[]): EnvVariable | undefined {
  let best: EnvVariable | undefined;
  for (const v of ENV_VARIABLES) {
    const isPrefix = v.path.length <= path.length && v.path.every((k, i) => k === path[i]);
    if (isPrefix && (!best || v.path.length > best.path.length)) best = v;
  }
  return best;
}

/** Problems in the order of ENV_VARIABLES (stable, and the order of the docs); others last. */
function sortByVariable(issues: ConfigIssue[]): ConfigIssue[] {
  const rank = (field: string) => {
    const i = ENV_VARIABLES.findIndex((v) => v.name === field);
    return i < 0 ? ENV_VARIABLES.length : i;
  };
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => rank(a.issue.field) - rank(b.issue.field) || a.i - b.i)
    .map((x) => x.issue);
}
