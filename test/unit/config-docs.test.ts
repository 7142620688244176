/** docs/configuration.md must match the code: every variable documented, with the default the code applies. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENV_VARIABLES, loadConfigFromEnv } from '../../src/config/env';
import { parseConfigObject } from '../../src/config/file';
import { chatwootSchema, connectionSchema, krayinSchema, serviceSchema, type AppConfig } from '../../src/config/schema';
import { emailSchema, notificationsSchema, slackSchema } from '../../src/notify/config';

const doc = readFileSync(path.resolve(__dirname, '../../docs/configuration.md'), 'utf8');
const defaultCells = new Map(
  [...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| ([^|]+?) \|/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]),
);

const required = {
  KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
  KRAYIN_TOKEN: '1|abcdefghij',
  CHATWOOT_URL: 'https://chat.example.com',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_TOKEN: 'x',
};
/** The webhook rule: a connection needs a secret or a URL token (documented as "required, unless ..."). */
const webhookAuth = { CHATWOOT_WEBHOOK_SECRET: 'whsec' };
const defaults = loadConfigFromEnv({ ...required, ...webhookAuth });

/** 32 random-looking bytes in base64. */
const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString('base64');
/**
 * The variables that switch a feature on. The others of the feature (SLACK_STYLE, SMTP_REQUIRE_TLS,
 * ALERT_WINDOW_MS, CODEC_CORS_ORIGINS...) have their defaults only then: the doc gives those.
 */
const featuresOn = {
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/X',
  SMTP_URL: 'smtp://mail.example.com',
  SMTP_FROM: 'sync@example.com',
  ALERT_EMAIL_TO: 'ops@example.com',
  PAYLOAD_ENCRYPTION_KEYS: `k1:${KEY}`,
  CODEC_SERVER_TOKEN: 'codec-token-0123456789',
};
const featureDefaults = loadConfigFromEnv({ ...required, ...webhookAuth, ...featuresOn });

function valueAt(value: unknown, keys: readonly (string | number)[]): unknown {
  return keys.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);
}

/**
 * A default as the doc writes it: JSON for lists and objects (`[]`, `{}`), else the plain value; a list
 * a feature loader reads from comma-separated text, comma-separated.
 */
function shown(value: unknown, kind?: string): string {
  if (kind === 'external' && Array.isArray(value)) return value.join(',');
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** The section of the doc under a `## ` heading, up to the next one. */
function section(heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/configuration.md has no section "${heading}"`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** The fenced code blocks of one language in a piece of the doc. */
function codeBlocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1] ?? '');
}

/** `NAME=value` / `NAME='value'` lines of a shell block. */
function shellEnv(block: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(?:'(.*)'|(.*))$/.exec(line.trim());
    if (m?.[1]) env[m[1]] = m[2] ?? m[3] ?? '';
  }
  return env;
}

/** A minimal valid connection of the file format. */
const fileConnection = {
  id: 'example',
  krayin: { url: required.KRAYIN_URL, token: required.KRAYIN_TOKEN },
  chatwoot: { url: required.CHATWOOT_URL, accountId: 1, apiToken: 'x', webhookSecret: 'whsec' },
};

/** The rows of the JSON file mapping table: first cell (the JSON paths) -> last cell (the default). */
const fileRows = [
  ...section('Configuration file (several connections)').matchAll(/^\| (`[a-z][^|]*?) \| .*? \| (.*) \|$/gm),
].map((m) => [m[1] ?? '', m[2] ?? ''] as const);

describe('docs/configuration.md', () => {
  it('documents CONFIG_FILE, DEMO and every variable the loader reads, and no other', () => {
    // CONFIG_FILE and DEMO choose where the configuration comes from (src/config/env.ts, src/demo/).
    expect([...defaultCells.keys()].sort()).toEqual(
      [...ENV_VARIABLES.map((v) => v.name), 'CONFIG_FILE', 'DEMO'].sort(),
    );
  });

  it('documents the variables in the order the loader reports them', () => {
    const documented = [...defaultCells.keys()].filter((name) => name !== 'CONFIG_FILE' && name !== 'DEMO');
    const position = (name: string) => doc.search(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
    expect([...documented].sort((a, b) => position(a) - position(b))).toEqual(ENV_VARIABLES.map((v) => v.name));
  });

  it.each(ENV_VARIABLES.filter((v) => v.name !== 'FIELD_MAP').map((v) => [v.name, v] as const))(
    '%s has the default the code applies',
    (name, variable) => {
      const cell = defaultCells.get(name);
      const value =
        valueAt(defaults, variable.path) ?? (name in featuresOn ? undefined : valueAt(featureDefaults, variable.path));
      if (name in required) expect(cell).toBe('required');
      else if (name in webhookAuth)
        expect(cell).toMatch(/^required, unless `CHATWOOT_WEBHOOK_TOKEN` is set or `ALLOW_UNSIGNED_WEBHOOKS=true`$/);
      else if (value === undefined) expect(cell).not.toMatch(/^`/);
      else expect(cell).toBe(`\`${shown(value, variable.kind)}\``);
    },
  );

  it('documents CHATWOOT_WEBHOOK_SECRET as required unless there is a URL token or unsigned webhooks are allowed', () => {
    expect(() => loadConfigFromEnv(required)).toThrow(/^CHATWOOT_WEBHOOK_SECRET: required: /);
    expect(() => loadConfigFromEnv({ ...required, CHATWOOT_WEBHOOK_TOKEN: 'a'.repeat(24) })).not.toThrow();
    expect(() => loadConfigFromEnv({ ...required, ALLOW_UNSIGNED_WEBHOOKS: 'true' })).not.toThrow();
  });

  it("quotes the webhook rule's error exactly", () => {
    let message = '';
    try {
      loadConfigFromEnv(required);
    } catch (e) {
      message = (e as Error).message;
    }
    const [block] = codeBlocks(section('Webhook authentication'), '');
    expect(block?.trim()).toBe(message);
  });

  it('documents the default field map as empty', () => {
    expect(defaultCells.get('FIELD_MAP')).toBe('`{}` (defaults only)');
    expect(defaults.connections[0]?.sync.fieldMap).toEqual({ person: {}, organization: {}, lead: {} });
  });

  it('maps every sync setting of the file format, with the JSON-only defaults the code applies', () => {
    const sync = defaults.connections[0]!.sync;
    const conversations = sync.conversations;
    const cellFor = (jsonPath: string) => {
      const row = fileRows.find(([paths]) => paths.includes(`\`${jsonPath}\``));
      if (!row) throw new Error(`no row for ${jsonPath} in the file mapping table`);
      return row[1];
    };
    expect(cellFor('connections[].sync.conversations.transcript.maxBytes')).toMatch(
      new RegExp(`^\`${conversations.transcript.maxBytes}\` \\(2000-60000\\)`),
    );
    expect(cellFor('connections[].sync.conversations.transcript.maxMessageChars')).toMatch(
      new RegExp(`^\`${conversations.transcript.maxMessageChars}\` \\(100-60000\\)`),
    );
    expect(cellFor('connections[].sync.conversations.summaryMaxChars')).toMatch(
      new RegExp(`^\`${conversations.summaryMaxChars}\` \\(0-2000\\)`),
    );
    expect(cellFor('connections[].sync.stageRules')).toBe(`\`${JSON.stringify(sync.stageRules)}\``);
    const mapped = fileRows.map(([paths]) => paths).join(' ');
    for (const key of Object.keys(sync)) expect(mapped).toMatch(new RegExp(`\\.${key}\\b`));
    for (const key of Object.keys(conversations)) expect(mapped).toMatch(new RegExp(`\\.${key}\\b`));
  });

  /** Whether a row of the file table names `<prefix><key>`, in full or as `.key` after `<prefix>...`. */
  const mapsKey = (prefix: string, key: string) =>
    fileRows.some(
      ([paths]) =>
        paths.includes(`\`${prefix}${key}\``) || (paths.includes(`\`${prefix}`) && paths.includes(`\`.${key}\``)),
    );

  it.each([
    ['', Object.keys(serviceSchema.shape)],
    ['connections[].', Object.keys(connectionSchema.shape)],
    ['connections[].krayin.', Object.keys(krayinSchema.shape)],
    ['connections[].chatwoot.', Object.keys(chatwootSchema.shape)],
    ['notifications.', Object.keys(notificationsSchema.shape)],
    ['notifications.slack.', Object.keys(slackSchema.shape)],
    ['notifications.email.', Object.keys(emailSchema.shape)],
    ['metrics.', Object.keys(defaults.metrics).concat('token', 'port')],
    ['health.', Object.keys(defaults.health)],
    ['codec.', ['encryption', 'codecServer']],
    ['codec.codecServer.', Object.keys(featureDefaults.codec.codecServer ?? {})],
  ])('maps every key under "%s" in the file table', (prefix, keys) => {
    expect(keys.length).toBeGreaterThan(0);
    // A nested object counts as mapped when its keys have rows (`temporal.address`, ...).
    const nested = (key: string) => fileRows.some(([paths]) => paths.includes(`\`${prefix}${key}.`));
    const missing = keys.filter((key) => !mapsKey(prefix, key) && !nested(key));
    expect(missing).toEqual([]);
  });

  it('gives the JSON-only defaults of the new settings as the code applies them', () => {
    const cellFor = (jsonPath: string) => fileRows.find(([paths]) => paths.includes(`\`${jsonPath}\``))?.[1];
    const withChannels = parseConfigObject({
      notifications: {
        slack: { webhookUrl: 'https://hooks.example.com/x' },
        email: { host: 'relay', from: 'a@b.example', to: ['c@d.example'] },
      },
      connections: [fileConnection],
    }).notifications!;
    expect(cellFor('health.authProbeIntervalMs')).toMatch(
      new RegExp(`^\`${defaults.health.authProbeIntervalMs}\` \\(1000-3600000\\)`),
    );
    expect(cellFor('health.unreachableAlertAfterMs')).toMatch(
      new RegExp(`^\`${defaults.health.unreachableAlertAfterMs}\` \\(1000-86400000\\)`),
    );
    expect(cellFor('notifications.slack.timeoutMs')).toMatch(
      new RegExp(`^\`${withChannels.slack?.timeoutMs}\` \\(100-60000\\)`),
    );
    expect(cellFor('notifications.email.timeoutMs')).toMatch(
      new RegExp(`^\`${withChannels.email?.timeoutMs}\` \\(1000-120000\\)`),
    );
    expect(cellFor('notifications.retryAfterFailureMs')).toMatch(
      new RegExp(`^\`${withChannels.retryAfterFailureMs}\` \\(1000-86400000\\)`),
    );
    expect(cellFor('notifications.email.host')).toContain(`\`port\` \`${withChannels.email?.port}\``);
    expect(cellFor('notifications.email.requireTls')).toContain(`\`requireTls\` \`${withChannels.email?.requireTls}\``);
    expect(cellFor('allowUnsignedWebhooks')).toBe(`\`${defaults.allowUnsignedWebhooks}\``);
    expect(cellFor('connections[].enabled')).toBe(`\`${defaults.connections[0]?.enabled}\``);
    expect(cellFor('codec.codecServer.token')).toContain(
      JSON.stringify(featureDefaults.codec.codecServer?.allowedOrigins),
    );
  });

  it('has a valid file example with per-connection notifications, a URL token and health settings', () => {
    const [example] = codeBlocks(section('Configuration file (several connections)'), 'json');
    const config = parseConfigObject(JSON.parse(example ?? 'null') as unknown);
    expect(config.connections.map((c) => c.id)).toEqual(['acme', 'globex']);
    const [acme, globex] = config.connections;
    expect(acme?.notifications?.email?.to).toEqual(['ops@acme.example']);
    expect(acme?.notifications?.slack).toBeDefined();
    expect(globex?.notifications).toBeUndefined();
    expect(config.notifications?.slack).toBeDefined();
    expect(globex?.chatwoot.webhookToken).toBeDefined();
    expect(globex?.chatwoot.webhookSecret).toBeUndefined();
    expect(config.health).toEqual({ authProbeIntervalMs: 30000, unreachableAlertAfterMs: 600000 });
  });
});

describe('docs/configuration.md: the "Conversations and stages" example', () => {
  const examples = section('Conversations and stages');
  const [shell] = codeBlocks(examples, 'sh');
  const [fileSync] = codeBlocks(examples, 'json');
  const env = shellEnv(shell ?? '');
  const connection = fileConnection;
  const fromFile = (): AppConfig =>
    parseConfigObject({ connections: [{ ...connection, sync: JSON.parse(fileSync ?? 'null') as unknown }] });

  it('sets every conversation and stage variable', () => {
    expect(Object.keys(env).sort()).toEqual(
      [
        'LEAD_POLICY',
        'CONVERSATION_ACTIVITY_TYPES',
        'DEFAULT_ACTIVITY_TYPE',
        'ACTIVITY_LOCATION',
        'MESSAGE_ACTIVITIES',
        'TRANSCRIPT_MAX_MESSAGES',
        'STAGE_RULES',
        'ASSIGNEE_OWNER',
      ].sort(),
    );
  });

  it('is a valid sync object in the file format, using every trigger form', () => {
    const sync = fromFile().connections[0]!.sync;
    expect(sync.leadPolicy).toBe('first_conversation');
    expect(sync.conversations.activityTypes).toEqual(JSON.parse(env.CONVERSATION_ACTIVITY_TYPES ?? 'null'));
    const ons = sync.stageRules.map((r) => r.on);
    expect(ons.some((on) => on.startsWith('label_added:'))).toBe(true);
    expect(ons.some((on) => on.startsWith('priority:'))).toBe(true);
    expect(sync.stageRules.some((r) => r.pipeline !== undefined)).toBe(true);
    expect(sync.stageRules.some((r) => r.allowBackwards)).toBe(true);
  });

  it('has the same rules in both forms', () => {
    expect(fromFile().connections[0]!.sync.stageRules).toEqual(
      (JSON.parse(env.STAGE_RULES ?? 'null') as object[]).map((r) => ({ allowBackwards: false, ...r })),
    );
  });

  it('as environment variables gives the same settings as in the file', () => {
    const fromEnv = loadConfigFromEnv({ ...required, ...webhookAuth, ...env }).connections[0]!.sync;
    const file = fromFile().connections[0]!.sync;
    expect(fromEnv).toEqual(file);
  });
});
