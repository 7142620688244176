import { ConfigError, ENV_VARIABLES, loadConfigFromEnv } from '../../src/config/env';
import type { AppConfig } from '../../src/config/schema';

const TOKEN = '7|Kr4yinT0kenSecretValue';
const minimal = {
  KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
  KRAYIN_TOKEN: TOKEN,
  CHATWOOT_URL: 'https://chat.example.com',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_TOKEN: 'cw-api-token-value',
  // Every connection must authenticate its webhooks (a secret or a URL token) unless ALLOW_UNSIGNED_WEBHOOKS=true.
  CHATWOOT_WEBHOOK_SECRET: 'cw-webhook-secret',
};

const URL_TOKEN = 'Url-Token_0123456789abcdefXYZ';
const ADMIN = 'admin-token-0123456789';
const CODEC_TOKEN = 'codec-token-0123456789';
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXX';
/** SMTP_URL and what it needs (sender, recipients). */
const SMTP = { SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'sync@example.com', ALERT_EMAIL_TO: 'ops@example.com' };
/** 32 random-looking bytes in base64 (an all-equal key is refused as a placeholder). */
const key = (seed: number) =>
  Buffer.from(Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) % 256)).toString('base64');
const KEY_1 = key(1);
const KEY_2 = key(2);

function load(extra: Record<string, string | undefined> = {}): AppConfig {
  return loadConfigFromEnv({ ...minimal, ...extra });
}

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfigFromEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const conn = (c: AppConfig) => {
  const first = c.connections[0];
  if (!first) throw new Error('no connection');
  return first;
};

describe('loadConfigFromEnv: a minimal environment', () => {
  it('builds one connection named "default" with every default', () => {
    expect(load()).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: '.data',
      bodyLimit: '1mb',
      logLevel: 'info',
      temporal: { namespace: 'default', taskQueue: 'chatwoot-krayin-sync', uiPort: 8233, port: 7233 },
      database: {},
      worker: { maxCachedWorkflows: 50 },
      metrics: {},
      codec: {},
      allowUnsignedWebhooks: false,
      analytics: { retentionDays: 400 },
      ingest: { mode: 'log', logMaxEvents: 100000, forwardConcurrency: 64 },
      health: { authProbeIntervalMs: 60000, unreachableAlertAfterMs: 300000 },
      connections: [
        {
          id: 'default',
          enabled: true,
          krayin: {
            url: 'http://127.0.0.1:8000/api/v1',
            token: TOKEN,
            timezone: 'UTC',
            requestsPerMinute: 50,
            timeoutMs: 15000,
            writeSettleMs: 60000,
          },
          chatwoot: {
            url: 'https://chat.example.com',
            accountId: 1,
            apiToken: 'cw-api-token-value',
            webhookSecret: 'cw-webhook-secret',
            timeoutMs: 10000,
          },
          krayinHooks: {},
          sync: {
            leadPolicy: 'first_conversation',
            syncOrganizations: true,
            organizationSource: 'additional_attributes.company_name',
            emaillessPolicy: 'skip',
            placeholderEmailDomain: 'no-email.invalid',
            lead: { titleTemplate: '{{name}} (Chatwoot)', value: 0 },
            fieldMap: { person: {}, organization: {}, lead: {} },
            conversations: {
              activityTypes: {},
              defaultActivityType: 'note',
              location: 'contact',
              messageActivities: false,
              transcript: { maxMessages: 200, maxBytes: 48000, maxMessageChars: 2000 },
              summaryMaxChars: 280,
            },
            stageRules: [],
            assigneeOwner: true,
            debounceMs: 2000,
            idleCloseMs: 3600000,
            reconcile: { schedule: 'incremental=1h;full=0 3 * * *', onChatwootDelete: 'keep' },
          },
          twoWay: {
            enabled: false,
            pollInterval: '1m',
            scanInterval: '1h',
            fieldOwnership: {},
            tieGoesTo: 'krayin',
            newPersons: 'ignore',
          },
          crmFacts: { attributes: true, stageLabels: {}, stageNotes: false, activityNotes: false },
          dashboardApp: { backwardMoves: [] },
        },
      ],
    });
  });

  it('ignores unrelated variables, treats blank values as unset and trims values', () => {
    const c = load({ PATH: '/usr/bin', HOME: '/root', PORT: '', LOG_LEVEL: '   ', KRAYIN_TOKEN: `  ${TOKEN}\n` });
    expect(c.port).toBe(3000);
    expect(c.logLevel).toBe('info');
    expect(conn(c).krayin.token).toBe(TOKEN);
  });
});

describe('loadConfigFromEnv: every variable', () => {
  it.each<[string, string, (c: AppConfig) => unknown, unknown]>([
    ['KRAYIN_URL', 'https://crm.example.com/api/v1/', (c) => conn(c).krayin.url, 'https://crm.example.com/api/v1'],
    ['KRAYIN_TOKEN', '12|abcdefghijklmnop', (c) => conn(c).krayin.token, '12|abcdefghijklmnop'],
    ['KRAYIN_TIMEZONE', 'Asia/Kolkata', (c) => conn(c).krayin.timezone, 'Asia/Kolkata'],
    ['KRAYIN_REQUESTS_PER_MINUTE', '30', (c) => conn(c).krayin.requestsPerMinute, 30],
    ['KRAYIN_WRITE_SETTLE_MS', '120000', (c) => conn(c).krayin.writeSettleMs, 120000],
    ['CHATWOOT_URL', 'https://chat.example.org/', (c) => conn(c).chatwoot.url, 'https://chat.example.org'],
    ['CHATWOOT_ACCOUNT_ID', '42', (c) => conn(c).chatwoot.accountId, 42],
    ['CHATWOOT_API_TOKEN', 'abc', (c) => conn(c).chatwoot.apiToken, 'abc'],
    ['CHATWOOT_WEBHOOK_SECRET', 's3cr3t', (c) => conn(c).chatwoot.webhookSecret, 's3cr3t'],
    ['PORT', '8080', (c) => c.port, 8080],
    ['HOST', '127.0.0.1', (c) => c.host, '127.0.0.1'],
    ['PUBLIC_URL', 'https://sync.example.com/', (c) => c.publicUrl, 'https://sync.example.com'],
    ['DATA_DIR', '/var/lib/sync', (c) => c.dataDir, '/var/lib/sync'],
    ['LOG_LEVEL', 'debug', (c) => c.logLevel, 'debug'],
    ['TEMPORAL_ADDRESS', 'temporal:7233', (c) => c.temporal.address, 'temporal:7233'],
    ['TEMPORAL_ADDRESS', '[::1]:7233', (c) => c.temporal.address, '[::1]:7233'],
    ['TEMPORAL_NAMESPACE', 'crm', (c) => c.temporal.namespace, 'crm'],
    ['TEMPORAL_TASK_QUEUE', 'sync-q', (c) => c.temporal.taskQueue, 'sync-q'],
    ['TEMPORAL_DEV_PORT', '7300', (c) => c.temporal.port, 7300],
    ['TEMPORAL_UI_PORT', '0', (c) => c.temporal.uiPort, 0],
    ['TEMPORAL_UI_URL', 'https://temporal.example.com/', (c) => c.temporal.uiUrl, 'https://temporal.example.com'],
    ['DATABASE_URL', 'postgres://u:p@db:5432/sync', (c) => c.database.url, 'postgres://u:p@db:5432/sync'],
    ['WORKER_MAX_CACHED_WORKFLOWS', '0', (c) => c.worker.maxCachedWorkflows, 0],
    ['WORKER_MAX_CACHED_WORKFLOWS', '1000', (c) => c.worker.maxCachedWorkflows, 1000],
    ['LEAD_POLICY', 'never', (c) => conn(c).sync.leadPolicy, 'never'],
    ['LEAD_POLICY', 'contact_created', (c) => conn(c).sync.leadPolicy, 'contact_created'],
    ['LEAD_POLICY', 'first_conversation', (c) => conn(c).sync.leadPolicy, 'first_conversation'],
    ['SYNC_ORGANIZATIONS', 'false', (c) => conn(c).sync.syncOrganizations, false],
    [
      'ORGANIZATION_SOURCE',
      'custom_attributes.company',
      (c) => conn(c).sync.organizationSource,
      'custom_attributes.company',
    ],
    ['EMAILLESS_POLICY', 'placeholder', (c) => conn(c).sync.emaillessPolicy, 'placeholder'],
    ['PLACEHOLDER_EMAIL_DOMAIN', 'No-Email.Example', (c) => conn(c).sync.placeholderEmailDomain, 'no-email.example'],
    ['LEAD_PIPELINE', 'Default Pipeline', (c) => conn(c).sync.lead.pipeline, 'Default Pipeline'],
    ['LEAD_STAGE', 'new', (c) => conn(c).sync.lead.stage, 'new'],
    ['LEAD_SOURCE', 'Web', (c) => conn(c).sync.lead.source, 'Web'],
    ['LEAD_TYPE', 'New Business', (c) => conn(c).sync.lead.type, 'New Business'],
    ['LEAD_OWNER', 'sales@example.com', (c) => conn(c).sync.lead.owner, 'sales@example.com'],
    ['LEAD_TITLE_TEMPLATE', '{{company}}: {{name}}', (c) => conn(c).sync.lead.titleTemplate, '{{company}}: {{name}}'],
    ['LEAD_VALUE', '1500.25', (c) => conn(c).sync.lead.value, 1500.25],
    [
      'FIELD_MAP',
      '{"person":{"cw_tier":"custom_attributes.tier"},"lead":{"title":"name"}}',
      (c) => conn(c).sync.fieldMap,
      { person: { cw_tier: 'custom_attributes.tier' }, organization: {}, lead: { title: 'name' } },
    ],
    ['ASSIGNEE_OWNER', 'false', (c) => conn(c).sync.assigneeOwner, false],
    ['ASSIGNEE_OWNER', 'on', (c) => conn(c).sync.assigneeOwner, true],
    ['DEBOUNCE_MS', '500', (c) => conn(c).sync.debounceMs, 500],
    ['IDLE_CLOSE_MS', '60000', (c) => conn(c).sync.idleCloseMs, 60000],
    ['RECONCILE_SCHEDULE', 'off', (c) => conn(c).sync.reconcile.schedule, 'off'],
    ['ON_CHATWOOT_DELETE', 'keep', (c) => conn(c).sync.reconcile.onChatwootDelete, 'keep'],
    ['ON_CHATWOOT_DELETE', 'tag', (c) => conn(c).sync.reconcile.onChatwootDelete, 'tag'],
    ['ON_CHATWOOT_DELETE', 'delete_person', (c) => conn(c).sync.reconcile.onChatwootDelete, 'delete_person'],
    ['TWO_WAY_SYNC', 'on', (c) => conn(c).twoWay.enabled, true],
    ['KRAYIN_POLL_INTERVAL', '5m', (c) => conn(c).twoWay.pollInterval, '5m'],
    ['KRAYIN_SCAN_INTERVAL', '30m', (c) => conn(c).twoWay.scanInterval, '30m'],
    [
      'FIELD_OWNERSHIP',
      'name=krayin,phone=chatwoot',
      (c) => conn(c).twoWay.fieldOwnership,
      { name: 'krayin', phone: 'chatwoot' },
    ],
    ['FIELD_OWNERSHIP_TIE', 'chatwoot', (c) => conn(c).twoWay.tieGoesTo, 'chatwoot'],
    ['KRAYIN_NEW_PERSONS', 'ignore', (c) => conn(c).twoWay.newPersons, 'ignore'],
  ])('%s=%p', (name, value, pick, expected) => {
    expect(pick(load({ [name]: value }))).toEqual(expected);
  });

  // The conversation and stage variables (nested under sync.conversations / a JSON list).
  it.each<[string, string, (c: AppConfig) => unknown, unknown]>([
    [
      'CONVERSATION_ACTIVITY_TYPES',
      '{"Channel::Whatsapp":"call","Channel::Email":"meeting"}',
      (c) => conn(c).sync.conversations.activityTypes,
      { 'Channel::Whatsapp': 'call', 'Channel::Email': 'meeting' },
    ],
    ['DEFAULT_ACTIVITY_TYPE', 'call', (c) => conn(c).sync.conversations.defaultActivityType, 'call'],
    ['ACTIVITY_LOCATION', 'inbox', (c) => conn(c).sync.conversations.location, 'inbox'],
    ['ACTIVITY_LOCATION', 'none', (c) => conn(c).sync.conversations.location, 'none'],
    ['MESSAGE_ACTIVITIES', 'yes', (c) => conn(c).sync.conversations.messageActivities, true],
    // Only maxMessages comes from the environment; the rest of the transcript settings keep their defaults.
    [
      'TRANSCRIPT_MAX_MESSAGES',
      '50',
      (c) => conn(c).sync.conversations.transcript,
      { maxMessages: 50, maxBytes: 48000, maxMessageChars: 2000 },
    ],
    [
      'STAGE_RULES',
      '[{"on":"conversation_created","stage":"follow-up"},{"on":"label_added:VIP","stage":4,"pipeline":"Default Pipeline"},{"on":"conversation_reopened","stage":"new","allowBackwards":true}]',
      (c) => conn(c).sync.stageRules,
      [
        { on: 'conversation_created', stage: 'follow-up', allowBackwards: false },
        { on: 'label_added:vip', stage: 4, pipeline: 'Default Pipeline', allowBackwards: false },
        { on: 'conversation_reopened', stage: 'new', allowBackwards: true },
      ],
    ],
    ['STAGE_RULES', '[]', (c) => conn(c).sync.stageRules, []],
  ])('%s=%p', (name, value, pick, expected) => {
    expect(pick(load({ [name]: value }))).toEqual(expected);
  });

  it('sets no conversation or stage setting it was not given', () => {
    const sync = conn(load({ ASSIGNEE_OWNER: 'no', LEAD_POLICY: 'never' })).sync;
    expect(sync.assigneeOwner).toBe(false);
    expect(sync.conversations).toEqual(conn(load()).sync.conversations);
    expect(sync.stageRules).toEqual([]);
  });

  // Failure handling, recovery, notifications and hardening. The codec and notification variables are
  // read by their features' loaders (src/codec/config.ts, src/notify/config.ts); some only count together
  // with the variable that switches their feature on, given in the third column.
  it.each<[string, string, Record<string, string>, (c: AppConfig) => unknown, unknown]>([
    ['SYNC_ENABLED', 'false', {}, (c) => conn(c).enabled, false],
    ['SYNC_ENABLED', 'on', {}, (c) => conn(c).enabled, true],
    ['CHATWOOT_WEBHOOK_TOKEN', URL_TOKEN, {}, (c) => conn(c).chatwoot.webhookToken, URL_TOKEN],
    ['KRAYIN_WEBHOOK_TOKEN', URL_TOKEN, {}, (c) => conn(c).krayinHooks.token, URL_TOKEN],
    ['CHATWOOT_DASHBOARD_APP_TOKEN', URL_TOKEN, {}, (c) => conn(c).dashboardApp.token, URL_TOKEN],
    [
      'CHATWOOT_DASHBOARD_APP_BACKWARD_MOVES',
      ' Lead@Example.com, administrator ,',
      {},
      (c) => conn(c).dashboardApp.backwardMoves,
      ['lead@example.com', 'administrator'],
    ],
    ['ALLOW_UNSIGNED_WEBHOOKS', 'yes', {}, (c) => c.allowUnsignedWebhooks, true],
    ['ALLOW_UNSIGNED_WEBHOOKS', 'false', {}, (c) => c.allowUnsignedWebhooks, false],
    ['INGEST_MODE', 'direct', {}, (c) => c.ingest.mode, 'direct'],
    ['INGEST_LOG_MAX_EVENTS', '5000', {}, (c) => c.ingest.logMaxEvents, 5000],
    ['INGEST_FORWARD_CONCURRENCY', '8', {}, (c) => c.ingest.forwardConcurrency, 8],
    ['ADMIN_TOKEN', ADMIN, {}, (c) => c.adminToken, ADMIN],
    ['METRICS_TOKEN', 'metrics-token-0123456789', {}, (c) => c.metrics, { token: 'metrics-token-0123456789' }],
    ['METRICS_PORT', '9464', {}, (c) => c.metrics, { port: 9464 }],
    ['ANALYTICS_RETENTION_DAYS', '90', {}, (c) => c.analytics, { retentionDays: 90 }],
    [
      'PAYLOAD_ENCRYPTION_KEYS',
      `k2:${KEY_2}, k1:${KEY_1}`,
      {},
      (c) => c.codec,
      { encryption: { keys: { k2: KEY_2, k1: KEY_1 }, activeKeyId: 'k2' } },
    ],
    [
      'CODEC_SERVER_TOKEN',
      CODEC_TOKEN,
      { PAYLOAD_ENCRYPTION_KEYS: `k1:${KEY_1}` },
      (c) => c.codec.codecServer,
      { token: CODEC_TOKEN, allowedOrigins: ['http://localhost:8233', 'http://127.0.0.1:8233'] },
    ],
    [
      'CODEC_UI_PATH_TOKEN',
      'ui-path-token-0123456789',
      { PAYLOAD_ENCRYPTION_KEYS: `k1:${KEY_1}`, CODEC_SERVER_TOKEN: CODEC_TOKEN },
      (c) => c.codec.codecServer?.uiPathToken,
      'ui-path-token-0123456789',
    ],
    [
      'CODEC_CORS_ORIGINS',
      'https://temporal-ui.example.com/, http://localhost:8080',
      { PAYLOAD_ENCRYPTION_KEYS: `k1:${KEY_1}`, CODEC_SERVER_TOKEN: CODEC_TOKEN },
      (c) => c.codec.codecServer?.allowedOrigins,
      ['https://temporal-ui.example.com', 'http://localhost:8080'],
    ],
    [
      'SLACK_WEBHOOK_URL',
      SLACK,
      {},
      (c) => c.notifications,
      { slack: { webhookUrl: SLACK, style: 'slack', timeoutMs: 5000 }, windowMs: 3600000, retryAfterFailureMs: 60000 },
    ],
    ['SLACK_STYLE', 'plain', { SLACK_WEBHOOK_URL: SLACK }, (c) => c.notifications?.slack?.style, 'plain'],
    [
      'SMTP_URL',
      'smtp://alerts%40example.com:p%40ss@mail.example.com',
      { SMTP_FROM: 'sync@example.com', ALERT_EMAIL_TO: 'ops@example.com' },
      (c) => c.notifications?.email,
      {
        host: 'mail.example.com',
        port: 587,
        secure: false,
        requireTls: false,
        user: 'alerts@example.com',
        pass: 'p@ss',
        from: 'sync@example.com',
        to: ['ops@example.com'],
        timeoutMs: 10000,
      },
    ],
    [
      'SMTP_URL',
      'smtps://mail.example.com',
      { SMTP_FROM: 'sync@example.com', ALERT_EMAIL_TO: 'ops@example.com' },
      (c) => [c.notifications?.email?.port, c.notifications?.email?.secure, c.notifications?.email?.user],
      [465, true, undefined],
    ],
    ['SMTP_REQUIRE_TLS', 'true', SMTP, (c) => c.notifications?.email?.requireTls, true],
    ['SMTP_REQUIRE_TLS', 'false', SMTP, (c) => c.notifications?.email?.requireTls, false],
    ['SMTP_REQUIRE_TLS', 'on', SMTP, (c) => c.notifications?.email?.requireTls, true],
    ['SMTP_FROM', 'Sync <sync@example.com>', SMTP, (c) => c.notifications?.email?.from, 'Sync <sync@example.com>'],
    [
      'ALERT_EMAIL_TO',
      'ops@example.com, oncall@example.com,',
      SMTP,
      (c) => c.notifications?.email?.to,
      ['ops@example.com', 'oncall@example.com'],
    ],
    ['ALERT_WINDOW_MS', '600000', { SLACK_WEBHOOK_URL: SLACK }, (c) => c.notifications?.windowMs, 600000],
  ])('%s=%p (with %j)', (name, value, extra, pick, expected) => {
    expect(pick(load({ ...extra, [name]: value }))).toEqual(expected);
  });

  it('leaves the new settings at their defaults when they are not given', () => {
    const c = load();
    expect(conn(c).enabled).toBe(true);
    expect(conn(c).chatwoot.webhookToken).toBeUndefined();
    expect(conn(c).notifications).toBeUndefined();
    expect(c.allowUnsignedWebhooks).toBe(false);
    expect(c.adminToken).toBeUndefined();
    expect(c.metrics).toEqual({});
    expect(c.codec).toEqual({});
    expect(c.notifications).toBeUndefined();
    expect(c.health).toEqual({ authProbeIntervalMs: 60000, unreachableAlertAfterMs: 300000 });
  });

  it('ignores the variables of a feature that is off', () => {
    const c = load({
      // No SLACK_WEBHOOK_URL and no SMTP_URL: no channel, so no notifications at all.
      SLACK_STYLE: 'plain',
      SMTP_REQUIRE_TLS: 'true',
      SMTP_FROM: 'sync@example.com',
      ALERT_EMAIL_TO: 'ops@example.com',
      ALERT_WINDOW_MS: '600000',
      // No CODEC_SERVER_TOKEN: no codec server.
      CODEC_CORS_ORIGINS: 'https://temporal-ui.example.com',
    });
    expect(c.notifications).toBeUndefined();
    expect(c.codec).toEqual({});
  });

  it('sets one service-wide notification set, not one of the connection', () => {
    const c = load({ SLACK_WEBHOOK_URL: SLACK });
    expect(c.notifications?.slack?.webhookUrl).toBe(SLACK);
    expect(conn(c).notifications).toBeUndefined();
  });

  it('covers every variable the loader knows', () => {
    // Keeps the table above complete when a variable is added.
    expect(ENV_VARIABLES.map((v) => v.name).sort()).toEqual(
      [
        'KRAYIN_URL',
        'KRAYIN_TOKEN',
        'KRAYIN_TIMEZONE',
        'KRAYIN_REQUESTS_PER_MINUTE',
        'KRAYIN_WRITE_SETTLE_MS',
        'CHATWOOT_URL',
        'CHATWOOT_ACCOUNT_ID',
        'CHATWOOT_API_TOKEN',
        'CHATWOOT_WEBHOOK_SECRET',
        'PORT',
        'HOST',
        'PUBLIC_URL',
        'DATA_DIR',
        'LOG_LEVEL',
        'TEMPORAL_ADDRESS',
        'TEMPORAL_NAMESPACE',
        'TEMPORAL_TASK_QUEUE',
        'TEMPORAL_API_KEY',
        'TEMPORAL_TLS',
        'TEMPORAL_TLS_SERVER_NAME',
        'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
        'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
        'TEMPORAL_TLS_CLIENT_CERT_PATH',
        'TEMPORAL_TLS_CLIENT_CERT_DATA',
        'TEMPORAL_TLS_CLIENT_KEY_PATH',
        'TEMPORAL_TLS_CLIENT_KEY_DATA',
        'TEMPORAL_CONFIG_FILE',
        'TEMPORAL_PROFILE',
        'TEMPORAL_DEV_PORT',
        'TEMPORAL_UI_PORT',
        'TEMPORAL_UI_URL',
        'DATABASE_URL',
        'WORKER_MAX_CACHED_WORKFLOWS',
        'LEAD_POLICY',
        'SYNC_ORGANIZATIONS',
        'ORGANIZATION_SOURCE',
        'EMAILLESS_POLICY',
        'PLACEHOLDER_EMAIL_DOMAIN',
        'LEAD_PIPELINE',
        'LEAD_STAGE',
        'LEAD_SOURCE',
        'LEAD_TYPE',
        'LEAD_OWNER',
        'LEAD_TITLE_TEMPLATE',
        'LEAD_VALUE',
        'FIELD_MAP',
        'CONVERSATION_ACTIVITY_TYPES',
        'DEFAULT_ACTIVITY_TYPE',
        'ACTIVITY_LOCATION',
        'MESSAGE_ACTIVITIES',
        'TRANSCRIPT_MAX_MESSAGES',
        'STAGE_RULES',
        'ASSIGNEE_OWNER',
        'DEBOUNCE_MS',
        'IDLE_CLOSE_MS',
        'RECONCILE_SCHEDULE',
        'ON_CHATWOOT_DELETE',
        'TWO_WAY_SYNC',
        'KRAYIN_POLL_INTERVAL',
        'KRAYIN_SCAN_INTERVAL',
        'FIELD_OWNERSHIP',
        'FIELD_OWNERSHIP_TIE',
        'KRAYIN_NEW_PERSONS',
        'CRM_ATTRIBUTES',
        'CRM_STAGE_LABELS',
        'CRM_STAGE_NOTES',
        'CRM_ACTIVITY_NOTES',
        'CRM_KRAYIN_WEB_URL',
        'SYNC_ENABLED',
        'CHATWOOT_WEBHOOK_TOKEN',
        'KRAYIN_WEBHOOK_TOKEN',
        'CHATWOOT_DASHBOARD_APP_TOKEN',
        'CHATWOOT_DASHBOARD_APP_BACKWARD_MOVES',
        'ALLOW_UNSIGNED_WEBHOOKS',
        'INGEST_MODE',
        'INGEST_LOG_MAX_EVENTS',
        'INGEST_FORWARD_CONCURRENCY',
        'ADMIN_TOKEN',
        'METRICS_TOKEN',
        'METRICS_PORT',
        'ANALYTICS_RETENTION_DAYS',
        'PAYLOAD_ENCRYPTION_KEYS',
        'CODEC_SERVER_TOKEN',
        'CODEC_UI_PATH_TOKEN',
        'CODEC_CORS_ORIGINS',
        'SETTINGS_ENCRYPTION_KEYS',
        'SLACK_WEBHOOK_URL',
        'SLACK_STYLE',
        'SMTP_URL',
        'SMTP_REQUIRE_TLS',
        'SMTP_FROM',
        'ALERT_EMAIL_TO',
        'ALERT_WINDOW_MS',
      ].sort(),
    );
  });

  it.each([
    ['LEAD_PIPELINE', 'pipeline'],
    ['LEAD_STAGE', 'stage'],
    ['LEAD_SOURCE', 'source'],
    ['LEAD_TYPE', 'type'],
    ['LEAD_OWNER', 'owner'],
  ] as const)('%s: a numeric string is an id, anything else a name', (name, key) => {
    expect(conn(load({ [name]: '3' })).sync.lead[key]).toBe(3);
    expect(conn(load({ [name]: 'won' })).sync.lead[key]).toBe('won');
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['Yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['NO', false],
    ['off', false],
  ])('SYNC_ORGANIZATIONS=%p -> %p', (value, expected) => {
    expect(conn(load({ SYNC_ORGANIZATIONS: value })).sync.syncOrganizations).toBe(expected);
    expect(conn(load({ ASSIGNEE_OWNER: value })).sync.assigneeOwner).toBe(expected);
  });
});

describe('loadConfigFromEnv: webhook authentication', () => {
  const WEBHOOK_RULE =
    'CHATWOOT_WEBHOOK_SECRET: required: the webhook secret (Chatwoot >= 4.11.2), or a CHATWOOT_WEBHOOK_TOKEN for unsigned Chatwoot versions (or ALLOW_UNSIGNED_WEBHOOKS=true)';
  const { CHATWOOT_WEBHOOK_SECRET: _secret, ...unsigned } = minimal;

  it('accepts a connection with a webhook secret only (Chatwoot >= 4.11.2 signs)', () => {
    const chatwoot = conn(loadConfigFromEnv(minimal)).chatwoot;
    expect(chatwoot.webhookSecret).toBe('cw-webhook-secret');
    expect(chatwoot.webhookToken).toBeUndefined();
  });

  it('accepts a connection with a URL token only (Chatwoot versions that do not sign)', () => {
    const c = loadConfigFromEnv({ ...unsigned, CHATWOOT_WEBHOOK_TOKEN: URL_TOKEN });
    expect(conn(c).chatwoot.webhookToken).toBe(URL_TOKEN);
    expect(conn(c).chatwoot.webhookSecret).toBeUndefined();
    expect(c.allowUnsignedWebhooks).toBe(false);
  });

  it('keeps both when both are given (both are then required of every delivery)', () => {
    const chatwoot = conn(load({ CHATWOOT_WEBHOOK_TOKEN: URL_TOKEN })).chatwoot;
    expect([chatwoot.webhookSecret, chatwoot.webhookToken]).toEqual(['cw-webhook-secret', URL_TOKEN]);
  });

  it('refuses a connection with neither, naming CHATWOOT_WEBHOOK_SECRET', () => {
    expect(problems(unsigned)).toEqual([WEBHOOK_RULE]);
    expect(problems({ ...unsigned, ALLOW_UNSIGNED_WEBHOOKS: 'false' })).toEqual([WEBHOOK_RULE]);
    // Blank values count as unset.
    expect(problems({ ...unsigned, CHATWOOT_WEBHOOK_SECRET: ' ', CHATWOOT_WEBHOOK_TOKEN: '' })).toEqual([WEBHOOK_RULE]);
  });

  it('reports the rule next to the other problems, in variable order', () => {
    expect(problems({ ...unsigned, ADMIN_TOKEN: 'short', CHATWOOT_ACCOUNT_ID: '0' })).toEqual([
      'CHATWOOT_ACCOUNT_ID: must be a positive integer',
      WEBHOOK_RULE,
      'ADMIN_TOKEN: must be at least 16 visible ASCII characters',
    ]);
  });

  it('reports the rule together with missing Krayin settings (not only once they are fixed)', () => {
    const { KRAYIN_URL: _url, KRAYIN_TOKEN: _token, ...noKrayin } = unsigned;
    expect(problems(noKrayin)).toEqual(['KRAYIN_URL: required', 'KRAYIN_TOKEN: required', WEBHOOK_RULE]);
  });

  it('does not count an invalid URL token as one: that token is reported, not the rule', () => {
    expect(problems({ ...unsigned, CHATWOOT_WEBHOOK_TOKEN: 'too-short' })).toEqual([
      'CHATWOOT_WEBHOOK_TOKEN: must be at least 24 characters of A-Z, a-z, 0-9, "-" or "_"',
    ]);
  });

  it('ALLOW_UNSIGNED_WEBHOOKS=true accepts a connection with neither', () => {
    const c = loadConfigFromEnv({ ...unsigned, ALLOW_UNSIGNED_WEBHOOKS: 'true' });
    expect(c.allowUnsignedWebhooks).toBe(true);
    expect(conn(c).chatwoot.webhookSecret).toBeUndefined();
    expect(conn(c).chatwoot.webhookToken).toBeUndefined();
  });
});

describe('loadConfigFromEnv: errors', () => {
  it('names every missing required variable, the webhook rule included (all at once, not one fix at a time)', () => {
    expect(problems({})).toEqual([
      'KRAYIN_URL: required',
      'KRAYIN_TOKEN: required',
      'CHATWOOT_URL: required',
      'CHATWOOT_ACCOUNT_ID: required',
      'CHATWOOT_API_TOKEN: required',
      'CHATWOOT_WEBHOOK_SECRET: required: the webhook secret (Chatwoot >= 4.11.2), or a CHATWOOT_WEBHOOK_TOKEN for unsigned Chatwoot versions (or ALLOW_UNSIGNED_WEBHOOKS=true)',
    ]);
  });

  it.each([
    ['KRAYIN_URL', 'crm.example.com/api/v1', 'must be an http(s) URL'],
    ['KRAYIN_URL', 'ftp://crm.example.com', 'must be an http(s) URL'],
    ['KRAYIN_TOKEN', 'abcdefghijkl', 'must be a Krayin API token of the form <id>|<secret>'],
    ['KRAYIN_TOKEN', '5|short', 'must be a Krayin API token of the form <id>|<secret>'],
    ['KRAYIN_TIMEZONE', 'Mars/Olympus', 'must be an IANA time zone such as "UTC" or "Asia/Kolkata"'],
    ['KRAYIN_REQUESTS_PER_MINUTE', '0', 'must be an integer between 1 and 6000'],
    ['KRAYIN_REQUESTS_PER_MINUTE', 'fast', 'must be an integer between 1 and 6000'],
    ['KRAYIN_WRITE_SETTLE_MS', '600001', 'must be an integer between 0 and 600000'],
    ['CHATWOOT_URL', 'chat', 'must be an http(s) URL'],
    ['CHATWOOT_ACCOUNT_ID', 'abc', 'must be a positive integer'],
    ['CHATWOOT_ACCOUNT_ID', '0', 'must be a positive integer'],
    ['CHATWOOT_ACCOUNT_ID', '1.5', 'must be a positive integer'],
    ['PORT', '70000', 'must be an integer between 0 and 65535'],
    ['PORT', 'http', 'must be an integer between 0 and 65535'],
    ['PORT', '70000.5', 'must be an integer between 0 and 65535'],
    ['PUBLIC_URL', 'sync.example.com', 'must be an http(s) URL'],
    ['LOG_LEVEL', 'verbose', 'must be one of debug, info, warn, error'],
    ['TEMPORAL_ADDRESS', 'temporal', 'must be host:port, e.g. temporal:7233'],
    ['TEMPORAL_ADDRESS', 'http://temporal:7233', 'must be host:port, e.g. temporal:7233'],
    ['DATABASE_URL', 'mysql://db/sync', 'must be a postgres:// or postgresql:// URL'],
    ['WORKER_MAX_CACHED_WORKFLOWS', '1', 'must be 0 (no cache) or at least 2'],
    ['WORKER_MAX_CACHED_WORKFLOWS', '-5', 'must be an integer between 0 and 100000'],
    ['WORKER_MAX_CACHED_WORKFLOWS', 'lots', 'must be an integer between 0 and 100000'],
    ['LEAD_POLICY', 'on_message', 'must be one of first_conversation, contact_created, never'],
    ['LEAD_POLICY', 'First_Conversation', 'must be one of first_conversation, contact_created, never'],
    ['SYNC_ORGANIZATIONS', 'maybe', 'must be true, false, 1, 0, yes or no'],
    [
      'ORGANIZATION_SOURCE',
      'company_name',
      'must be name, email, phone_number, identifier, additional_attributes.<key> or custom_attributes.<key>',
    ],
    ['EMAILLESS_POLICY', 'drop', 'must be one of skip, placeholder'],
    ['PLACEHOLDER_EMAIL_DOMAIN', 'invalid', 'must be a domain name such as no-email.invalid'],
    ['PLACEHOLDER_EMAIL_DOMAIN', '-x.example', 'must be a domain name such as no-email.invalid'],
    ['LEAD_OWNER', '0', 'must be a positive integer id or a non-empty name'],
    [
      'LEAD_TITLE_TEMPLATE',
      '{{name}} {{phone}}',
      'may only use the placeholders {{name}}, {{email}}, {{company}}, {{contact_id}}',
    ],
    ['LEAD_VALUE', '-1', 'must be a number between 0 and 99999999.9999'],
    ['LEAD_VALUE', '1,000', 'must be a number between 0 and 99999999.9999'],
    ['LEAD_VALUE', '100000000', 'must be a number between 0 and 99999999.9999'],
    ['FIELD_MAP', '{not json', 'must be a JSON object such as {"person":{"cw_tier":"custom_attributes.tier"}}'],
    ['FIELD_MAP', '["person"]', 'must be a JSON object such as {"person":{"cw_tier":"custom_attributes.tier"}}'],
    ['FIELD_MAP', '{"persons":{}}', 'unknown section "persons": the sections are person, organization and lead'],
    ['FIELD_MAP', '{"person":[]}', 'person: must be an object of Krayin attribute code -> Chatwoot field path'],
    ['FIELD_MAP', '{"person":{"CwTier":"name"}}', 'person.CwTier: Krayin attribute codes are snake_case'],
    [
      'FIELD_MAP',
      '{"lead":{"cw_x":"thumbnail"}}',
      'lead.cw_x: must be name, email, phone_number, identifier, additional_attributes.<key> or custom_attributes.<key>',
    ],
    [
      'FIELD_MAP',
      '{"person":{"user_id":"name"}}',
      'person.user_id: "user_id" is set by the sync itself and cannot be mapped',
    ],
    [
      'FIELD_MAP',
      '{"lead":{"lead_pipeline_stage_id":"custom_attributes.stage"}}',
      'lead.lead_pipeline_stage_id: "lead_pipeline_stage_id" is set by the sync itself and cannot be mapped',
    ],
    ['ASSIGNEE_OWNER', 'maybe', 'must be true, false, 1, 0, yes or no'],
    // Read as a boolean before it reaches the config, so this one already works.
    ['MESSAGE_ACTIVITIES', 'sometimes', 'must be true, false, 1, 0, yes or no'],
    // A JSON object where a list is due is rejected by the schema (no loader bug involved).
    [
      'STAGE_RULES',
      '{"on":"assigned","stage":"follow-up"}',
      'must be a JSON list such as [{"on":"first_agent_reply","stage":"follow-up"}]',
    ],
    ['DEBOUNCE_MS', '-5', 'must be an integer between 0 and 600000'],
    ['IDLE_CLOSE_MS', '999', 'must be an integer >= 1000'],
    ['RECONCILE_SCHEDULE', '10s', 'the schedule: an interval must be at least 1m'],
    ['ON_CHATWOOT_DELETE', 'remove', 'must be keep, tag or delete_person'],
  ])('%s=%p: %s', (name, value, message) => {
    expect(problems({ ...minimal, [name]: value })).toEqual([`${name}: ${message}`]);
  });

  const TOKEN_16 = 'must be at least 16 visible ASCII characters';
  const URL_TOKEN_RULE = 'must be at least 24 characters of A-Z, a-z, 0-9, "-" or "_"';
  const KEY_RULE = 'must be 32 random bytes in base64 (44 characters); generate one with generateKey()';
  const KEY_ID_RULE = '1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit';
  const KEYS = { PAYLOAD_ENCRYPTION_KEYS: `k1:${KEY_1}` };
  const CODEC = { ...KEYS, CODEC_SERVER_TOKEN: CODEC_TOKEN };

  // The new settings; the third column switches on the feature the variable belongs to.
  it.each<[string, string, Record<string, string>, string]>([
    ['SYNC_ENABLED', 'paused', {}, 'must be true, false, 1, 0, yes or no'],
    ['CHATWOOT_WEBHOOK_TOKEN', 'abcdefghijklmnopqrstuvw', {}, URL_TOKEN_RULE],
    ['CHATWOOT_WEBHOOK_TOKEN', 'abcdefghijklmnopqrstuvwx+', {}, URL_TOKEN_RULE],
    ['CHATWOOT_WEBHOOK_TOKEN', 'abcdefghijkl mnopqrstuvwxyz', {}, URL_TOKEN_RULE],
    ['KRAYIN_WEBHOOK_TOKEN', 'abcdefghijklmnopqrstuvw', {}, URL_TOKEN_RULE],
    ['KRAYIN_WEBHOOK_TOKEN', 'abcdefghijklmnopqrstuvwx/', {}, URL_TOKEN_RULE],
    ['CHATWOOT_DASHBOARD_APP_TOKEN', 'abcdefghijklmnopqrstuvw', {}, URL_TOKEN_RULE],
    ['ALLOW_UNSIGNED_WEBHOOKS', 'sure', {}, 'must be true, false, 1, 0, yes or no'],
    ['ADMIN_TOKEN', 'fifteen-chars15', {}, TOKEN_16],
    ['ADMIN_TOKEN', 'sixteen chars 16 with spaces', {}, TOKEN_16],
    ['ADMIN_TOKEN', 'sixteen-chars-16-ümlaut', {}, TOKEN_16],
    ['METRICS_TOKEN', 'short', {}, TOKEN_16],
    ['METRICS_PORT', '0', {}, 'must be an integer between 1 and 65535'],
    ['METRICS_PORT', '65536', {}, 'must be an integer between 1 and 65535'],
    ['METRICS_PORT', 'metrics', {}, 'must be an integer between 1 and 65535'],
    ['ANALYTICS_RETENTION_DAYS', '0', {}, 'must be an integer between 1 and 3650'],
    ['PAYLOAD_ENCRYPTION_KEYS', ',', {}, 'must list at least one <key id>:<base64 key> entry'],
    ['PAYLOAD_ENCRYPTION_KEYS', KEY_1, {}, 'entry 1 is not of the form <key id>:<base64 key>'],
    ['PAYLOAD_ENCRYPTION_KEYS', 'k1:c2hvcnQ=', {}, `entry 1 (key id "k1") ${KEY_RULE}`],
    ['PAYLOAD_ENCRYPTION_KEYS', `k1:${KEY_1},k2:not-base64!`, {}, `entry 2 (key id "k2") ${KEY_RULE}`],
    [
      'PAYLOAD_ENCRYPTION_KEYS',
      `k1:${Buffer.alloc(32).toString('base64')}`,
      {},
      'entry 1 (key id "k1") is a placeholder, not a random key',
    ],
    ['PAYLOAD_ENCRYPTION_KEYS', `k1:${KEY_1},k1:${KEY_2}`, {}, 'entry 2: key id "k1" is listed twice'],
    ['PAYLOAD_ENCRYPTION_KEYS', `-k:${KEY_1}`, {}, `entry 1: the key id must be ${KEY_ID_RULE}`],
    ['CODEC_SERVER_TOKEN', CODEC_TOKEN, {}, 'is set but PAYLOAD_ENCRYPTION_KEYS is not'],
    ['CODEC_SERVER_TOKEN', 'short', KEYS, TOKEN_16],
    ['CODEC_UI_PATH_TOKEN', 'ui-path-token-0123456789', KEYS, 'is set but CODEC_SERVER_TOKEN is not'],
    ['CODEC_UI_PATH_TOKEN', 'short-token', CODEC, 'must be at least 16 letters, digits, "-" or "_"'],
    ['CODEC_UI_PATH_TOKEN', 'a-path/token-0123456789', CODEC, 'must be at least 16 letters, digits, "-" or "_"'],
    [
      'CODEC_CORS_ORIGINS',
      'https://temporal-ui.example.com/path',
      CODEC,
      'must be an origin such as https://temporal-ui.example.com (no path)',
    ],
    ['SLACK_WEBHOOK_URL', 'hooks.slack.com/services/x', {}, 'must be an http(s) URL'],
    ['SLACK_STYLE', 'teams', { SLACK_WEBHOOK_URL: SLACK }, 'must be slack or plain'],
    ['SMTP_REQUIRE_TLS', 'ture', SMTP, 'must be true or false'],
    [
      'SMTP_URL',
      'http://mail.example.com',
      SMTP,
      'must be smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]',
    ],
    ['SMTP_URL', 'smtp://user@mail.example.com', SMTP, 'needs both user and password, or neither'],
    ['SMTP_FROM', 'not an address', SMTP, 'must be an email address, optionally as "Name <address>"'],
    ['ALERT_EMAIL_TO', 'ops@example.com, nobody', SMTP, 'must be an email address'],
    ['ALERT_WINDOW_MS', '999', { SLACK_WEBHOOK_URL: SLACK }, 'must be an integer between 1000 and 604800000'],
    ['ALERT_WINDOW_MS', 'hourly', { SLACK_WEBHOOK_URL: SLACK }, 'must be an integer between 1000 and 604800000'],
  ])('%s=%p (with %j): %s', (name, value, extra, message) => {
    expect(problems({ ...minimal, ...extra, [name]: value })).toEqual([`${name}: ${message}`]);
  });

  it('SMTP_URL without SMTP_FROM or ALERT_EMAIL_TO names the missing variable', () => {
    const { SMTP_FROM: _from, ...noFrom } = SMTP;
    const { ALERT_EMAIL_TO: _to, ...noTo } = SMTP;
    expect(problems({ ...minimal, ...noFrom })).toEqual(['SMTP_FROM: is required when SMTP_URL is set']);
    expect(problems({ ...minimal, ...noTo })).toEqual(['ALERT_EMAIL_TO: is required when SMTP_URL is set']);
    expect(problems({ ...minimal, ...SMTP, SMTP_FROM: ' ' })).toEqual(['SMTP_FROM: is required when SMTP_URL is set']);
  });

  it("lists the feature loaders' problems with the others, in variable order", () => {
    expect(
      problems({
        ...minimal,
        SMTP_URL: 'smtp://mail.example.com',
        ALERT_EMAIL_TO: 'ops@example.com',
        PAYLOAD_ENCRYPTION_KEYS: 'k1',
        METRICS_TOKEN: 'short',
        PORT: '-1',
      }),
    ).toEqual([
      'PORT: must be an integer between 0 and 65535',
      `METRICS_TOKEN: ${TOKEN_16}`,
      'PAYLOAD_ENCRYPTION_KEYS: entry 1 is not of the form <key id>:<base64 key>',
      'SMTP_FROM: is required when SMTP_URL is set',
    ]);
  });

  it('never echoes a secret of the new settings in an error', () => {
    const message = problems({
      ...minimal,
      CHATWOOT_WEBHOOK_TOKEN: 'SECRET-URL-TOKEN-1!',
      KRAYIN_WEBHOOK_TOKEN: 'SECRET-HINT-TOKEN-11?',
      ADMIN_TOKEN: 'SECRET 2',
      METRICS_TOKEN: 'SECRET-3',
      METRICS_PORT: 'SECRET-PORT-4',
      SYNC_ENABLED: 'SECRET-BOOL-5',
      ALLOW_UNSIGNED_WEBHOOKS: 'SECRET-BOOL-6',
      // The key material of a malformed entry, and of a short one.
      PAYLOAD_ENCRYPTION_KEYS: 'k1:SECRETKEYMATERIAL7',
      CODEC_SERVER_TOKEN: 'SECRET-8',
      SLACK_WEBHOOK_URL: 'SECRET-SLACK-9',
      // A valid URL with a password, but no SMTP_FROM.
      SMTP_URL: 'smtp://alerts:SECRET-PASSWORD-10@mail.example.com',
    }).join('\n');
    expect(message.split('\n').length).toBeGreaterThanOrEqual(8);
    expect(message).not.toMatch(/SECRET/);
    for (const [name, value] of [
      ['PAYLOAD_ENCRYPTION_KEYS', 'SECRETKEYMATERIAL'],
      ['PAYLOAD_ENCRYPTION_KEYS', '@@@@'],
      ['PAYLOAD_ENCRYPTION_KEYS', `SECRET${KEY_1}`],
      ['SMTP_URL', 'smtp://alerts:SECRET-PASSWORD@'],
      ['SMTP_URL', 'smtp://alerts:SECRET-PASSWORD@mail.example.com/path'],
      ['SLACK_WEBHOOK_URL', 'ftp://hooks.example.com/SECRET'],
      ['CODEC_SERVER_TOKEN', 'SECRET with spaces and long enough'],
    ] as const) {
      const found = problems({ ...minimal, ...CODEC, ...SMTP, [name]: value }).join('\n');
      expect(found).toMatch(new RegExp(`^${name}: `));
      expect(found).not.toMatch(/SECRET/);
    }
  });

  it.each([
    ['CONVERSATION_ACTIVITY_TYPES', '{not json'],
    ['CONVERSATION_ACTIVITY_TYPES', '["call"]'],
    ['CONVERSATION_ACTIVITY_TYPES', '"call"'],
  ])('%s=%p: one problem, asking for a JSON object', (name, value) => {
    expect(problems({ ...minimal, [name]: value })).toEqual([
      expect.stringMatching(/^CONVERSATION_ACTIVITY_TYPES: must be a JSON object/),
    ]);
  });

  const TRIGGERS =
    'must be one of conversation_created, first_agent_reply, conversation_resolved, conversation_reopened, assigned, label_added:<label>, priority:<low|medium|high|urgent>';
  const ACTIVITY_TYPES = 'must be one of note, call, meeting, lunch';

  // Errors inside the conversation settings and stage rules name the variable and the path within it.
  it.each([
    ['CONVERSATION_ACTIVITY_TYPES', '{"Channel::Whatsapp":"email"}', `["Channel::Whatsapp"]: ${ACTIVITY_TYPES}`],
    ['CONVERSATION_ACTIVITY_TYPES', '{"Channel::Whatsapp":"file"}', `["Channel::Whatsapp"]: ${ACTIVITY_TYPES}`],
    [
      'CONVERSATION_ACTIVITY_TYPES',
      '{"Whatsapp":"call"}',
      'Whatsapp: must be a Chatwoot channel name such as Channel::Whatsapp',
    ],
    ['DEFAULT_ACTIVITY_TYPE', 'email', ACTIVITY_TYPES],
    ['DEFAULT_ACTIVITY_TYPE', 'system', ACTIVITY_TYPES],
    ['ACTIVITY_LOCATION', 'city', 'must be one of contact, inbox, none'],
    ['TRANSCRIPT_MAX_MESSAGES', '0', 'must be an integer between 1 and 1000'],
    ['TRANSCRIPT_MAX_MESSAGES', '1001', 'must be an integer between 1 and 1000'],
    ['TRANSCRIPT_MAX_MESSAGES', 'all', 'must be an integer between 1 and 1000'],
    ['STAGE_RULES', '[{"on":"assigned","stage":1},{"on":"conversation_closed","stage":1}]', `[1].on: ${TRIGGERS}`],
    ['STAGE_RULES', '[{"on":"label_added:","stage":1}]', `[0].on: ${TRIGGERS}`],
    ['STAGE_RULES', '[{"on":"priority:critical","stage":1}]', `[0].on: ${TRIGGERS}`],
    ['STAGE_RULES', '[{"stage":1}]', '[0].on: required'],
    [
      'STAGE_RULES',
      '[{"on":"assigned","stage":0}]',
      '[0].stage: must be a positive integer stage id or a non-empty stage code or name',
    ],
    [
      'STAGE_RULES',
      '[{"on":"assigned","stage":1,"pipeline":" "}]',
      '[0].pipeline: must be a positive integer pipeline id or a non-empty pipeline code or name',
    ],
    [
      'STAGE_RULES',
      '[{"on":"assigned","stage":1,"allowBackwards":"yes"}]',
      '[0].allowBackwards: must be true or false',
    ],
    [
      'STAGE_RULES',
      '[{"on":"assigned","stage":1,"allowBackward":true}]',
      '[0]: unknown key "allowBackward": a rule has on, stage, pipeline and allowBackwards',
    ],
    ['STAGE_RULES', '["assigned"]', '[0]: must be an object with "on" and "stage"'],
  ])('%s=%p: %s', (name, value, message) => {
    expect(problems({ ...minimal, [name]: value })).toEqual([`${name}: ${message}`]);
  });

  it('STAGE_RULES that is not JSON: one problem, without the FIELD_MAP example', () => {
    const found = problems({ ...minimal, STAGE_RULES: '[{"on":' });
    expect(found).toEqual([expect.stringMatching(/^STAGE_RULES: must be /)]);
    expect(found[0]).not.toContain('person');
  });

  it('lists every problem at once, in the documented order of the variables', () => {
    const error = (() => {
      try {
        loadConfigFromEnv({
          KRAYIN_TOKEN: 'not-a-token',
          CHATWOOT_URL: 'https://chat.example.com',
          CHATWOOT_ACCOUNT_ID: 'abc',
          CHATWOOT_API_TOKEN: 'x',
          CHATWOOT_WEBHOOK_SECRET: 'x',
          PORT: '-1',
          SYNC_ORGANIZATIONS: 'sometimes',
          FIELD_MAP: '{"person":{"Bad":"name"}}',
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      [
        'KRAYIN_URL: required',
        'KRAYIN_TOKEN: must be a Krayin API token of the form <id>|<secret>',
        'CHATWOOT_ACCOUNT_ID: must be a positive integer',
        'PORT: must be an integer between 0 and 65535',
        'SYNC_ORGANIZATIONS: must be true, false, 1, 0, yes or no',
        'FIELD_MAP: person.Bad: Krayin attribute codes are snake_case',
      ].join('\n'),
    );
    expect((error as ConfigError).issues[0]).toEqual({ field: 'KRAYIN_URL', message: 'required' });
    expect((error as ConfigError).name).toBe('ConfigError');
  });

  it('never echoes a configured value, secret or not, in an error', () => {
    const secrets = {
      KRAYIN_URL: 'not a url SECRET-URL-1',
      KRAYIN_TOKEN: 'SECRET-TOKEN-2',
      KRAYIN_TIMEZONE: 'SECRET/ZONE-3',
      CHATWOOT_URL: 'SECRET-CW-URL-4',
      CHATWOOT_ACCOUNT_ID: 'SECRET-ACCOUNT-5',
      CHATWOOT_API_TOKEN: ' ',
      CHATWOOT_WEBHOOK_SECRET: 'SECRET-HOOK-6',
      DATABASE_URL: 'mysql://user:SECRET-PASSWORD-7@db/sync',
      TEMPORAL_ADDRESS: 'SECRET-ADDRESS-8',
      LEAD_OWNER: '0',
      FIELD_MAP: '{"person": "SECRET-MAP-9"',
      SYNC_ORGANIZATIONS: 'SECRET-BOOL-10',
      PORT: 'SECRET-PORT-11',
      LEAD_POLICY: 'SECRET-POLICY-12',
      ASSIGNEE_OWNER: 'SECRET-BOOL-13',
      STAGE_RULES: '{"SECRET-RULES-14": 1}',
      CONVERSATION_ACTIVITY_TYPES: '["SECRET-TYPES-15"]',
    };
    const message = problems(secrets).join('\n');
    expect(message.split('\n').length).toBeGreaterThanOrEqual(14);
    expect(message).not.toMatch(/SECRET/);
  });

  // Keys (channel names, rule keys) are configuration structure and are named, as FIELD_MAP codes are.
  it('never echoes a value in the conversation and stage variables either', () => {
    const message = problems({
      ...minimal,
      CONVERSATION_ACTIVITY_TYPES: '{"Channel::Whatsapp":"SECRET-TYPE-2"}',
      DEFAULT_ACTIVITY_TYPE: 'SECRET-TYPE-3',
      ACTIVITY_LOCATION: 'SECRET-LOCATION-4',
      MESSAGE_ACTIVITIES: 'SECRET-BOOL-5',
      TRANSCRIPT_MAX_MESSAGES: 'SECRET-COUNT-6',
      STAGE_RULES: '[{"on":"SECRET-TRIGGER-7","stage":"SECRET-STAGE-8","pipeline":0,"allowBackwards":"SECRET-9"}]',
    }).join('\n');
    expect(message.split('\n').length).toBeGreaterThanOrEqual(6);
    expect(message).not.toMatch(/SECRET/);
  });
});
