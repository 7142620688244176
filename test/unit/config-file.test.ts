import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, loadConfigFile } from '../../src/config/env';
import { parseConfigObject } from '../../src/config/file';

const dir = mkdtempSync(path.join(tmpdir(), 'cks-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

const connection = (id: string, extra: object = {}) => ({
  id,
  krayin: { url: `https://${id}.crm.example.com/api/v1`, token: `3|${id}-krayin-secret-token` },
  chatwoot: {
    url: 'https://chat.example.com',
    accountId: 1,
    apiToken: `${id}-chatwoot-token`,
    webhookSecret: `${id}-webhook-secret`,
  },
  ...extra,
});

/** A connection whose webhooks are neither signed nor carry a URL token. */
const unsigned = (id: string, extra: object = {}) => {
  const c = connection(id, extra);
  const { webhookSecret: _secret, ...chatwoot } = c.chatwoot;
  return { ...c, chatwoot };
};

const WEBHOOK_RULE =
  'required: the webhook secret (Chatwoot >= 4.11.2), or a CHATWOOT_WEBHOOK_TOKEN for unsigned Chatwoot versions (or ALLOW_UNSIGNED_WEBHOOKS=true)';
const URL_TOKEN = 'Url-Token_0123456789abcdefXYZ';
/** 32 random-looking bytes in base64 (an all-equal key is refused as a placeholder). */
const key = (seed: number) =>
  Buffer.from(Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) % 256)).toString('base64');

function problems(json: unknown): string[] {
  try {
    parseConfigObject(json);
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfigFile', () => {
  it('reads several connections with their own settings, defaults filled in', () => {
    const file = write(
      'two.json',
      JSON.stringify({
        port: 8080,
        temporal: { address: 'temporal:7233' },
        connections: [
          connection('acme', {
            sync: { leadPolicy: 'never', fieldMap: { person: { cw_tier: 'custom_attributes.tier' } } },
          }),
          connection('globex', {
            enabled: false,
            krayin: {
              url: 'https://globex.example.com/api/v1',
              token: '9|globex-secret-token',
              timezone: 'Asia/Kolkata',
            },
          }),
        ],
      }),
    );
    const config = loadConfigFile(file);
    expect(config.port).toBe(8080);
    expect(config.temporal).toEqual({
      address: 'temporal:7233',
      namespace: 'default',
      taskQueue: 'chatwoot-krayin-sync',
      uiPort: 8233,
      port: 7233,
    });
    expect(config.database).toEqual({});
    expect(config.connections.map((c) => [c.id, c.enabled, c.krayin.timezone, c.sync.leadPolicy])).toEqual([
      ['acme', true, 'UTC', 'never'],
      ['globex', false, 'Asia/Kolkata', 'first_conversation'],
    ]);
    expect(config.connections[0]?.sync.fieldMap).toEqual({
      person: { cw_tier: 'custom_attributes.tier' },
      organization: {},
      lead: {},
    });
  });

  it('reads conversation settings, stage rules and the assignee owner, filling the defaults', () => {
    const config = loadConfigFile(
      write(
        'conversations.json',
        JSON.stringify({
          connections: [
            connection('acme', {
              sync: {
                leadPolicy: 'contact_created',
                conversations: {
                  activityTypes: { 'Channel::Whatsapp': 'call', 'Channel::Email': 'meeting' },
                  defaultActivityType: 'lunch',
                  location: 'inbox',
                  messageActivities: true,
                  transcript: { maxBytes: 20000 },
                  summaryMaxChars: 0,
                },
                stageRules: [
                  { on: 'conversation_created', stage: 'follow-up' },
                  { on: 'first_agent_reply', stage: 3, pipeline: 1 },
                  { on: 'conversation_resolved', stage: 'won', pipeline: 'Default Pipeline' },
                  { on: ' label_added:VIP ', stage: 'negotiation' },
                  { on: 'priority:urgent', stage: 'negotiation' },
                  { on: 'assigned', stage: ' Prospect ' },
                  { on: 'conversation_reopened', stage: 'new', allowBackwards: true },
                ],
                assigneeOwner: false,
              },
            }),
            connection('globex'),
          ],
        }),
      ),
    );
    const [acme, globex] = config.connections;
    expect(acme?.sync.leadPolicy).toBe('contact_created');
    expect(acme?.sync.conversations).toEqual({
      activityTypes: { 'Channel::Whatsapp': 'call', 'Channel::Email': 'meeting' },
      defaultActivityType: 'lunch',
      location: 'inbox',
      messageActivities: true,
      transcript: { maxMessages: 200, maxBytes: 20000, maxMessageChars: 2000 },
      summaryMaxChars: 0,
    });
    expect(acme?.sync.stageRules).toEqual([
      { on: 'conversation_created', stage: 'follow-up', allowBackwards: false },
      { on: 'first_agent_reply', stage: 3, pipeline: 1, allowBackwards: false },
      { on: 'conversation_resolved', stage: 'won', pipeline: 'Default Pipeline', allowBackwards: false },
      { on: 'label_added:vip', stage: 'negotiation', allowBackwards: false },
      { on: 'priority:urgent', stage: 'negotiation', allowBackwards: false },
      { on: 'assigned', stage: 'Prospect', allowBackwards: false },
      { on: 'conversation_reopened', stage: 'new', allowBackwards: true },
    ]);
    expect(acme?.sync.assigneeOwner).toBe(false);
    // The other connection keeps every default.
    expect(globex?.sync.leadPolicy).toBe('first_conversation');
    expect(globex?.sync.conversations).toEqual({
      activityTypes: {},
      defaultActivityType: 'note',
      location: 'contact',
      messageActivities: false,
      transcript: { maxMessages: 200, maxBytes: 48000, maxMessageChars: 2000 },
      summaryMaxChars: 280,
    });
    expect(globex?.sync.stageRules).toEqual([]);
    expect(globex?.sync.assigneeOwner).toBe(true);
  });

  it('names problems in conversation settings and stage rules by JSON path', () => {
    const TRIGGERS =
      'must be one of conversation_created, first_agent_reply, conversation_resolved, conversation_reopened, assigned, label_added:<label>, priority:<low|medium|high|urgent>';
    expect(
      problems({
        connections: [
          connection('acme', {
            sync: {
              leadPolicy: 'on_message',
              conversations: {
                activityTypes: { 'Channel::Whatsapp': 'email', Whatsapp: 'call' },
                defaultActivityType: 'file',
                location: 'city',
                messageActivities: 'yes',
                transcript: { maxMessages: 0, maxBytes: 60001, maxMessageChars: 99 },
                summaryMaxChars: 2001,
              },
              stageRules: [
                { on: 'assigned', stage: 'follow-up' },
                { on: 'conversation_closed', stage: 'won' },
                { on: 'label_added:', stage: 1 },
                { on: 'priority:critical', stage: 1 },
                { stage: 1 },
                { on: 'assigned', stage: 0, pipeline: '' },
                { on: 'assigned', stage: 1, allowBackwards: 'yes' },
                { on: 'assigned', stage: 1, allowBackward: true },
                'assigned',
              ],
              assigneeOwner: 'no',
            },
          }),
        ],
      }),
    ).toEqual([
      'connections[0].sync.leadPolicy: must be one of first_conversation, contact_created, never',
      'connections[0].sync.conversations.activityTypes["Channel::Whatsapp"]: must be one of note, call, meeting, lunch',
      'connections[0].sync.conversations.activityTypes.Whatsapp: must be a Chatwoot channel name such as Channel::Whatsapp',
      'connections[0].sync.conversations.defaultActivityType: must be one of note, call, meeting, lunch',
      'connections[0].sync.conversations.location: must be one of contact, inbox, none',
      'connections[0].sync.conversations.messageActivities: must be true or false',
      'connections[0].sync.conversations.transcript.maxMessages: must be an integer between 1 and 1000',
      'connections[0].sync.conversations.transcript.maxBytes: must be an integer between 2000 and 60000',
      'connections[0].sync.conversations.transcript.maxMessageChars: must be an integer between 100 and 60000',
      'connections[0].sync.conversations.summaryMaxChars: must be an integer between 0 and 2000',
      `connections[0].sync.stageRules[1].on: ${TRIGGERS}`,
      `connections[0].sync.stageRules[2].on: ${TRIGGERS}`,
      `connections[0].sync.stageRules[3].on: ${TRIGGERS}`,
      'connections[0].sync.stageRules[4].on: required',
      'connections[0].sync.stageRules[5].stage: must be a positive integer stage id or a non-empty stage code or name',
      'connections[0].sync.stageRules[5].pipeline: must be a positive integer pipeline id or a non-empty pipeline code or name',
      'connections[0].sync.stageRules[6].allowBackwards: must be true or false',
      'connections[0].sync.stageRules[7]: unknown key "allowBackward": a rule has on, stage, pipeline and allowBackwards',
      'connections[0].sync.stageRules[8]: must be an object with "on" and "stage"',
      'connections[0].sync.assigneeOwner: must be true or false',
    ]);
    expect(
      problems({ connections: [connection('acme', { sync: { stageRules: { on: 'assigned', stage: 1 } } })] }),
    ).toEqual(['connections[0].sync.stageRules: must be a list of stage rules']);
    expect(problems({ connections: [connection('acme', { sync: { conversations: { activityTypes: [] } } })] })).toEqual(
      [
        'connections[0].sync.conversations.activityTypes: must be an object of Chatwoot channel -> Krayin activity type',
      ],
    );
  });

  it('names problems by JSON path', () => {
    expect(
      problems({
        port: 'x',
        connections: [
          connection('acme'),
          {
            id: 'Bad Id',
            krayin: { url: 'nope', token: 'leaked-secret' },
            chatwoot: { accountId: -1, apiToken: '' },
            sync: { emaillessPolicy: 'drop', fieldMap: { lead: { 'Title Case': 'name' } } },
          },
        ],
      }),
    ).toEqual([
      'port: must be an integer between 0 and 65535',
      'connections[1].id: must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit',
      'connections[1].krayin.url: must be an http(s) URL',
      'connections[1].krayin.token: must be a Krayin API token of the form <id>|<secret>',
      'connections[1].chatwoot.url: required',
      'connections[1].chatwoot.accountId: must be a positive integer',
      'connections[1].chatwoot.apiToken: must be a non-empty string',
      'connections[1].sync.emaillessPolicy: must be one of skip, placeholder',
      'connections[1].sync.fieldMap.lead["Title Case"]: Krayin attribute codes are snake_case',
      // The webhook rule is reported with the rest, not only once the connection's types are right.
      `connections[1].chatwoot.webhookSecret: ${WEBHOOK_RULE}`,
    ]);
  });

  it('requires at least one connection, with unique ids', () => {
    expect(problems({})).toEqual(['connections: required']);
    expect(problems({ connections: [] })).toEqual(['connections: at least one connection is required']);
    expect(problems({ connections: [connection('a'), connection('a')] })).toEqual([
      'connections: connection ids must be unique',
    ]);
    expect(problems([])).toEqual(['(root): must be a JSON object']);
  });

  it('reports a missing file and invalid JSON without quoting the file', () => {
    const missing = path.join(dir, 'missing.json');
    expect(() => loadConfigFile(missing)).toThrow(
      new ConfigError([{ field: 'CONFIG_FILE', message: `cannot read ${missing} (ENOENT)` }]),
    );
    const broken = write(
      'broken.json',
      '{\n  "connections": [\n    { "krayin": { "token": "3|TOP-SECRET-TOKEN" }\n  ]\n}',
    );
    let message = '';
    try {
      loadConfigFile(broken);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      new RegExp(
        `^CONFIG_FILE: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON( \\(line \\d+\\))?$`,
      ),
    );
    expect(message).not.toContain('SECRET');
  });

  it('never echoes configured values', () => {
    const message = problems({
      database: { url: 'mysql://u:SECRET-PW@db/x' },
      connections: [
        {
          id: 'a',
          krayin: { url: 'SECRET-URL', token: 'SECRET-TOKEN' },
          chatwoot: { url: 'x', accountId: 'SECRET-ID', apiToken: 1, webhookSecret: 2 },
        },
      ],
    }).join('\n');
    expect(message).toContain('connections[0].krayin.token');
    expect(message).not.toContain('SECRET');
  });
});

describe('loadConfigFile: failure handling, recovery, notifications and hardening', () => {
  const acmeEmail = {
    host: 'smtp.acme.example',
    port: 465,
    user: 'alerts@acme.example',
    pass: 'acme-smtp-password',
    from: 'Acme sync <sync@acme.example>',
    to: ['ops@acme.example', 'oncall@acme.example'],
  };

  it('reads notifications per connection, the service-wide fallback and the health settings', () => {
    const config = loadConfigFile(
      write(
        'operations.json',
        JSON.stringify({
          adminToken: 'admin-token-0123456789',
          metrics: { token: 'metrics-token-0123456789', port: 9464 },
          health: { authProbeIntervalMs: 30000, unreachableAlertAfterMs: 600000 },
          notifications: {
            slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/XXXX' },
            windowMs: 1800000,
          },
          connections: [
            connection('acme', {
              notifications: {
                slack: { webhookUrl: 'https://mm.acme.example/hooks/abc', style: 'plain', timeoutMs: 2000 },
                email: acmeEmail,
                windowMs: 600000,
                retryAfterFailureMs: 120000,
              },
            }),
            connection('globex', {
              enabled: false,
              chatwoot: {
                url: 'https://chat.example.com',
                accountId: 2,
                apiToken: 'globex-chatwoot-token',
                webhookToken: URL_TOKEN,
              },
            }),
          ],
        }),
      ),
    );
    expect(config.adminToken).toBe('admin-token-0123456789');
    expect(config.metrics).toEqual({ token: 'metrics-token-0123456789', port: 9464 });
    expect(config.health).toEqual({ authProbeIntervalMs: 30000, unreachableAlertAfterMs: 600000 });
    expect(config.allowUnsignedWebhooks).toBe(false);
    expect(config.notifications).toEqual({
      slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/XXXX', style: 'slack', timeoutMs: 5000 },
      windowMs: 1800000,
      retryAfterFailureMs: 60000,
    });
    const [acme, globex] = config.connections;
    expect(acme?.notifications).toEqual({
      slack: { webhookUrl: 'https://mm.acme.example/hooks/abc', style: 'plain', timeoutMs: 2000 },
      email: { ...acmeEmail, requireTls: false, timeoutMs: 10000 },
      windowMs: 600000,
      retryAfterFailureMs: 120000,
    });
    // No notifications of its own: the service-wide ones apply (the notifier's fallback).
    expect(globex?.notifications).toBeUndefined();
    expect(globex?.enabled).toBe(false);
    expect(globex?.chatwoot.webhookToken).toBe(URL_TOKEN);
    expect(globex?.chatwoot.webhookSecret).toBeUndefined();
  });

  it('fills the defaults of the new settings', () => {
    const config = parseConfigObject({
      health: { authProbeIntervalMs: 5000 },
      connections: [
        connection('acme', { notifications: { email: { host: 'relay', from: 'a@b.example', to: ['c@d.example'] } } }),
      ],
    });
    expect(config.health).toEqual({ authProbeIntervalMs: 5000, unreachableAlertAfterMs: 300000 });
    expect(config.metrics).toEqual({});
    expect(config.codec).toEqual({});
    expect(config.adminToken).toBeUndefined();
    expect(config.notifications).toBeUndefined();
    expect(config.connections[0]?.enabled).toBe(true);
    expect(config.connections[0]?.notifications).toEqual({
      email: {
        host: 'relay',
        port: 587,
        requireTls: false,
        from: 'a@b.example',
        to: ['c@d.example'],
        timeoutMs: 10000,
      },
      windowMs: 3600000,
      retryAfterFailureMs: 60000,
    });
    expect(parseConfigObject({ connections: [connection('acme')] }).health).toEqual({
      authProbeIntervalMs: 60000,
      unreachableAlertAfterMs: 300000,
    });
  });

  it('reads payload encryption and the codec server', () => {
    const config = parseConfigObject({
      codec: {
        encryption: { keys: { k2: key(2), k1: key(1) }, activeKeyId: 'k2' },
        codecServer: { token: 'codec-token-0123456789', allowedOrigins: ['https://temporal-ui.example.com'] },
      },
      connections: [connection('acme')],
    });
    expect(config.codec).toEqual({
      encryption: { keys: { k2: key(2), k1: key(1) }, activeKeyId: 'k2' },
      codecServer: { token: 'codec-token-0123456789', allowedOrigins: ['https://temporal-ui.example.com'] },
    });
  });

  it('requires a webhook secret or a URL token of every connection, unless allowUnsignedWebhooks', () => {
    expect(problems({ connections: [connection('acme'), unsigned('globex'), unsigned('initech')] })).toEqual([
      `connections[1].chatwoot.webhookSecret: ${WEBHOOK_RULE}`,
      `connections[2].chatwoot.webhookSecret: ${WEBHOOK_RULE}`,
    ]);
    const tokenOnly = unsigned('globex');
    const withToken = { ...tokenOnly, chatwoot: { ...tokenOnly.chatwoot, webhookToken: URL_TOKEN } };
    expect(parseConfigObject({ connections: [withToken] }).connections[0]?.chatwoot.webhookToken).toBe(URL_TOKEN);
    const open = parseConfigObject({ allowUnsignedWebhooks: true, connections: [unsigned('globex')] });
    expect(open.allowUnsignedWebhooks).toBe(true);
    expect(open.connections[0]?.chatwoot.webhookSecret).toBeUndefined();
  });

  it('names problems of the new settings by JSON path', () => {
    expect(
      problems({
        adminToken: 'short',
        metrics: { token: 'short', port: 0 },
        allowUnsignedWebhooks: 'yes',
        health: { authProbeIntervalMs: 999, unreachableAlertAfterMs: 86400001 },
        notifications: {
          slack: { webhookUrl: 'hooks.slack.com', style: 'teams' },
          email: { host: 'relay', pass: 'only-a-password', from: 'nobody', to: [] },
          windowMs: 5,
        },
        connections: [
          connection('acme', {
            enabled: 'no',
            chatwoot: {
              url: 'https://chat.example.com',
              accountId: 1,
              apiToken: 'x',
              webhookSecret: 's',
              webhookToken: 'short',
            },
            notifications: { email: { host: '', from: 'a@b.example', to: ['not-an-address'] } },
          }),
        ],
      }),
    ).toEqual([
      'adminToken: must be at least 16 visible ASCII characters',
      'metrics.token: must be at least 16 visible ASCII characters',
      'metrics.port: must be an integer between 1 and 65535',
      'notifications.slack.webhookUrl: must be an http(s) URL',
      'notifications.slack.style: must be slack or plain',
      'notifications.email.from: must be an email address, optionally as "Name <address>"',
      'notifications.email.to: needs at least one address',
      'notifications.email.pass: user and pass must be given together',
      'notifications.windowMs: must be an integer between 1000 and 604800000',
      'allowUnsignedWebhooks: must be true or false',
      'health.authProbeIntervalMs: must be an integer between 1000 and 3600000',
      'health.unreachableAlertAfterMs: must be an integer between 1000 and 86400000',
      'connections[0].enabled: must be true or false',
      'connections[0].chatwoot.webhookToken: must be at least 24 characters of A-Z, a-z, 0-9, "-" or "_"',
      'connections[0].notifications.email.host: must be a host name',
      'connections[0].notifications.email.to[0]: must be an email address',
    ]);
  });

  it('names keyring problems without echoing key material or tokens', () => {
    const message = problems({
      codec: {
        encryption: { keys: { k1: 'SECRET-KEY-MATERIAL' }, activeKeyId: 'k1' },
        codecServer: { token: 'SECRET' },
      },
      connections: [connection('acme')],
    }).join('\n');
    expect(message.split('\n')).toEqual([
      'codec.encryption: key "k1" must be 32 random bytes in base64 (44 characters); generate one with generateKey()',
      'codec.codecServer.token: must be at least 16 visible ASCII characters',
    ]);
    expect(message).not.toContain('SECRET');
    expect(
      problems({ codec: { encryption: { keys: { k1: key(1) }, activeKeyId: 'k2' } }, connections: [connection('a')] }),
    ).toEqual(['codec.encryption: the active key id "k2" is not in the keyring']);
  });

  it('never echoes the new secrets', () => {
    const message = problems({
      adminToken: 'SECRET 1',
      metrics: { token: 'SECRET-2' },
      notifications: {
        slack: { webhookUrl: 'SECRET-3' },
        email: { host: 'h', pass: 'SECRET-4', from: 'a@b.example', to: ['c@d.example'] },
      },
      connections: [
        connection('acme', {
          chatwoot: { url: 'https://chat.example.com', accountId: 1, apiToken: 'x', webhookToken: 'SECRET-5' },
        }),
      ],
    }).join('\n');
    expect(message.split('\n').length).toBe(5);
    expect(message).not.toContain('SECRET');
  });
});

describe('loadConfig', () => {
  it('uses CONFIG_FILE when it is set, ignoring the other variables', () => {
    const file = write('one.json', JSON.stringify({ connections: [connection('filed')] }));
    const config = loadConfig({ CONFIG_FILE: file, KRAYIN_URL: 'not used' });
    expect(config.connections.map((c) => c.id)).toEqual(['filed']);
  });

  it('uses the environment otherwise (a blank CONFIG_FILE counts as unset)', () => {
    const env = {
      CONFIG_FILE: ' ',
      KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
      KRAYIN_TOKEN: '1|abcdefghij',
      CHATWOOT_URL: 'http://127.0.0.1:3000',
      CHATWOOT_ACCOUNT_ID: '1',
      CHATWOOT_API_TOKEN: 'x',
      CHATWOOT_WEBHOOK_SECRET: 'x',
    };
    expect(loadConfig(env).connections.map((c) => c.id)).toEqual(['default']);
    expect(() => loadConfig({})).toThrow(ConfigError);
  });
});
