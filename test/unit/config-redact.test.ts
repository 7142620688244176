import { ENV_VARIABLES, loadConfigFromEnv } from '../../src/config/env';
import { parseConfigObject } from '../../src/config/file';
import { REDACTED, redactConfig, redactUrlPassword, redactWebhookUrl } from '../../src/config/redact';
import type { AppConfig } from '../../src/config/schema';

const env = {
  KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
  KRAYIN_TOKEN: '7|KRAYIN-SECRET-abcdef',
  CHATWOOT_URL: 'https://chat.example.com',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_TOKEN: 'CHATWOOT-SECRET',
  CHATWOOT_WEBHOOK_SECRET: 'HOOK-SECRET',
  DATABASE_URL: 'postgres://sync:DB-SECRET@db:5432/sync',
};

/** Random-looking 32-byte keys in base64 (an all-equal key is refused as a placeholder). */
const key = (seed: number) =>
  Buffer.from(Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) % 256)).toString('base64');
const KEY_1 = key(1);
const KEY_2 = key(2);

/**
 * Every secret variable, set to a valid value, with the part of it that must never reach a log. The
 * test below fails when a variable marked `secret` in ENV_VARIABLES is missing here.
 */
/** The settings key (src/settings): 32 bytes unlike KEY_1 and KEY_2. */
const SETTINGS_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 53 + 7) % 256)).toString('base64');

const SECRETS: Record<string, { value: string; secret: string }> = {
  KRAYIN_TOKEN: { value: '7|KrayinSecretPart01', secret: 'KrayinSecretPart01' },
  CHATWOOT_API_TOKEN: { value: 'ChatwootApiSecret02', secret: 'ChatwootApiSecret02' },
  CHATWOOT_WEBHOOK_SECRET: { value: 'WebhookHmacSecret03', secret: 'WebhookHmacSecret03' },
  CHATWOOT_WEBHOOK_TOKEN: { value: 'UrlTokenSecret04-abcdefghij', secret: 'UrlTokenSecret04-abcdefghij' },
  KRAYIN_WEBHOOK_TOKEN: { value: 'KrayinHintSecret13-abcdefgh', secret: 'KrayinHintSecret13-abcdefgh' },
  CHATWOOT_DASHBOARD_APP_TOKEN: { value: 'PanelUrlSecret14-abcdefghij', secret: 'PanelUrlSecret14-abcdefghij' },
  DATABASE_URL: { value: 'postgres://sync:DbPasswordSecret05@db:5432/sync', secret: 'DbPasswordSecret05' },
  ADMIN_TOKEN: { value: 'AdminTokenSecret06-xyz', secret: 'AdminTokenSecret06-xyz' },
  METRICS_TOKEN: { value: 'MetricsTokenSecret07-xyz', secret: 'MetricsTokenSecret07-xyz' },
  PAYLOAD_ENCRYPTION_KEYS: { value: `k2:${KEY_2},k1:${KEY_1}`, secret: KEY_2 },
  CODEC_SERVER_TOKEN: { value: 'CodecTokenSecret08-xyz', secret: 'CodecTokenSecret08-xyz' },
  SETTINGS_ENCRYPTION_KEYS: { value: `s1:${SETTINGS_KEY}`, secret: SETTINGS_KEY },
  CODEC_UI_PATH_TOKEN: { value: 'CodecUiPathSecret10-xyz', secret: 'CodecUiPathSecret10-xyz' },
  SLACK_WEBHOOK_URL: {
    value: 'https://hooks.slack.com/services/T000/B000/SlackPathSecret09',
    secret: 'SlackPathSecret09',
  },
  SMTP_URL: { value: 'smtp://alerts:SmtpPasswordSecret10@mail.example.com:587', secret: 'SmtpPasswordSecret10' },
  TEMPORAL_API_KEY: { value: 'TemporalApiKeySecret11', secret: 'TemporalApiKeySecret11' },
  TEMPORAL_TLS_CLIENT_KEY_DATA: {
    value: '-----BEGIN PRIVATE KEY-----\nClientKeySecret12\n-----END PRIVATE KEY-----',
    secret: 'ClientKeySecret12',
  },
};

const allSecretsEnv = {
  ...env,
  ...Object.fromEntries(Object.entries(SECRETS).map(([name, s]) => [name, s.value])),
  SMTP_FROM: 'sync@example.com',
  ALERT_EMAIL_TO: 'ops@example.com',
  // mTLS needs the certificate with the key (not a secret: it is sent to the server).
  TEMPORAL_TLS_CLIENT_CERT_DATA: '-----BEGIN CERTIFICATE-----\nPublicPart\n-----END CERTIFICATE-----',
};

describe('redactConfig', () => {
  it('masks tokens, secrets and the database password, and keeps everything else', () => {
    const config = loadConfigFromEnv(env);
    const redacted = redactConfig(config);
    const text = JSON.stringify(redacted);
    expect(text).not.toMatch(/SECRET/);
    expect(redacted.connections[0]?.krayin).toEqual({ ...config.connections[0]?.krayin, token: REDACTED });
    expect(redacted.connections[0]?.chatwoot).toEqual({
      ...config.connections[0]?.chatwoot,
      apiToken: '***',
      webhookSecret: '***',
    });
    expect(redacted.database.url).toBe('postgres://sync:***@db:5432/sync');
    expect({ ...redacted, connections: [], database: {} }).toEqual({ ...config, connections: [], database: {} });
  });

  it('returns a copy and leaves the original usable', () => {
    const config = loadConfigFromEnv(allSecretsEnv);
    const before = structuredClone(config);
    const redacted = redactConfig(config);
    redacted.connections[0]!.sync.lead.value = 99;
    expect(config).toEqual(before);
    expect(config.connections[0]?.krayin.token).toBe(SECRETS.KRAYIN_TOKEN!.value);
    expect(config.adminToken).toBe(SECRETS.ADMIN_TOKEN!.value);
    expect(config.codec.encryption?.keys.k2).toBe(KEY_2);
    expect(config.notifications?.email?.pass).toBe('SmtpPasswordSecret10');
  });

  it('does not invent a secret that is not configured', () => {
    const { CHATWOOT_WEBHOOK_SECRET: _s, DATABASE_URL: _d, ...rest } = env;
    const redacted = redactConfig(loadConfigFromEnv({ ...rest, ALLOW_UNSIGNED_WEBHOOKS: 'true' }));
    expect(redacted.connections[0]?.chatwoot.webhookSecret).toBeUndefined();
    expect(redacted.connections[0]?.chatwoot.webhookToken).toBeUndefined();
    expect(redacted.database.url).toBeUndefined();
    expect(redacted.adminToken).toBeUndefined();
    expect(redacted.metrics).toEqual({});
    expect(redacted.codec).toEqual({});
    expect(redacted.notifications).toBeUndefined();
    expect(redacted.connections[0]?.notifications).toBeUndefined();
  });

  it('has a value for every variable the loader marks secret', () => {
    expect(Object.keys(SECRETS).sort()).toEqual(
      ENV_VARIABLES.filter((v) => v.secret)
        .map((v) => v.name)
        .sort(),
    );
  });

  describe('with every secret variable set', () => {
    const config = loadConfigFromEnv(allSecretsEnv);
    const redacted = redactConfig(config);
    const text = JSON.stringify(redacted);

    it('loads them all (so the test proves something)', () => {
      const plain = JSON.stringify(config);
      for (const { secret } of Object.values(SECRETS)) expect(plain).toContain(secret);
    });

    it.each(Object.entries(SECRETS))('%s: its value survives neither in the copy nor in its JSON', (_name, s) => {
      expect(text).not.toContain(s.secret);
      expect(text).not.toContain(s.value);
      expect(JSON.stringify(redacted, null, 2)).not.toContain(s.secret);
    });

    it('masks each new secret where it lives, keeping what is not secret', () => {
      expect(redacted.adminToken).toBe(REDACTED);
      expect(redacted.metrics.token).toBe(REDACTED);
      expect(redacted.connections[0]?.chatwoot.webhookToken).toBe(REDACTED);
      expect(redacted.connections[0]?.krayinHooks.token).toBe(REDACTED);
      // Key ids are labels (stored in clear in payload metadata): only the key material is masked.
      expect(redacted.codec.encryption).toEqual({ keys: { k2: REDACTED, k1: REDACTED }, activeKeyId: 'k2' });
      expect(redacted.settingsEncryption).toEqual({ keys: { s1: REDACTED }, activeKeyId: 's1' });
      expect(redacted.codec.codecServer).toEqual({
        ...config.codec.codecServer,
        token: REDACTED,
        uiPathToken: REDACTED,
      });
      expect(redacted.notifications?.slack).toEqual({
        ...config.notifications?.slack,
        webhookUrl: 'https://hooks.slack.com/***',
      });
      expect(redacted.notifications?.email).toEqual({ ...config.notifications?.email, pass: REDACTED });
      expect(redacted.notifications?.email?.user).toBe('alerts');
      expect(redacted.notifications?.email?.host).toBe('mail.example.com');
    });

    it('changes nothing but the secrets', () => {
      const masked = (c: AppConfig) => ({
        ...c,
        adminToken: undefined,
        temporal: {
          ...c.temporal,
          apiKey: undefined,
          tls: { ...c.temporal.tls, clientKey: { ...c.temporal.tls?.clientKey, data: undefined } },
        },
        metrics: { ...c.metrics, token: undefined },
        codec: {},
        settingsEncryption: undefined,
        notifications: undefined,
        database: {},
        connections: c.connections.map((x) => ({
          ...x,
          krayin: { ...x.krayin, token: undefined },
          chatwoot: { ...x.chatwoot, apiToken: undefined, webhookSecret: undefined, webhookToken: undefined },
          krayinHooks: { ...x.krayinHooks, token: undefined },
          dashboardApp: { ...x.dashboardApp, token: undefined },
        })),
      });
      expect(masked(redacted)).toEqual(masked(config));
    });
  });

  it('masks the secrets of a configuration file, per connection too', () => {
    const config = parseConfigObject({
      adminToken: 'FileAdminSECRET-0123456789',
      metrics: { token: 'FileMetricsSECRET-0123456789', port: 9464 },
      codec: {
        encryption: { keys: { a: KEY_1, b: KEY_2 }, activeKeyId: 'b' },
        codecServer: { token: 'FileCodecSECRET-0123456789' },
      },
      notifications: { slack: { webhookUrl: 'https://chat.example.com/hooks/FileSlackSECRET' } },
      connections: [
        {
          id: 'acme',
          krayin: { url: 'https://crm.acme.example/api/v1', token: '5|FileKrayinSECRET' },
          chatwoot: {
            url: 'https://chat.example.com',
            accountId: 1,
            apiToken: 'FileChatwootSECRET',
            webhookToken: 'FileUrlTokenSECRET-0123456789',
          },
          krayinHooks: { token: 'FileKrayinHintSECRET-0123456789' },
          notifications: {
            slack: { webhookUrl: 'https://mm.acme.example:8065/hooks/FileAcmeSlackSECRET', style: 'plain' },
            email: {
              host: 'smtp.acme.example',
              user: 'alerts@acme.example',
              pass: 'FileSmtpSECRET',
              from: 'Sync <sync@acme.example>',
              to: ['ops@acme.example'],
            },
          },
        },
        {
          id: 'globex',
          krayin: { url: 'https://crm.globex.example/api/v1', token: '9|FileGlobexSECRET' },
          chatwoot: {
            url: 'https://chat.example.com',
            accountId: 2,
            apiToken: 'FileGlobexChatwootSECRET',
            webhookSecret: 'FileGlobexHookSECRET',
          },
          // Channels of its own without credentials: nothing to mask, nothing invented.
          notifications: { email: { host: 'relay.internal', from: 'sync@globex.example', to: ['ops@globex.example'] } },
        },
      ],
    });
    expect(JSON.stringify(config)).toMatch(/SECRET/);
    const redacted = redactConfig(config);
    expect(JSON.stringify(redacted)).not.toMatch(/SECRET/);
    expect(redacted.codec.encryption?.keys).toEqual({ a: REDACTED, b: REDACTED });
    expect(JSON.stringify(redacted)).not.toContain(KEY_1);
    const [acme, globex] = redacted.connections;
    expect(acme?.notifications?.slack?.webhookUrl).toBe('https://mm.acme.example:8065/***');
    expect(acme?.notifications?.email?.pass).toBe(REDACTED);
    expect(acme?.notifications?.email?.user).toBe('alerts@acme.example');
    expect(globex?.notifications?.email).toEqual(config.connections[1]?.notifications?.email);
    expect(globex?.notifications?.email?.pass).toBeUndefined();
    expect(redacted.metrics.port).toBe(9464);
  });
});

describe('redactWebhookUrl', () => {
  it.each([
    ['https://hooks.slack.com/services/T0/B0/XXXX', 'https://hooks.slack.com/***'],
    ['https://user:pw@mm.example.com:8065/hooks/abc?token=t', 'https://mm.example.com:8065/***'],
    ['http://10.0.0.5/hooks/abc', 'http://10.0.0.5/***'],
    ['not a url', '***'],
  ])('%s -> %s', (url, expected) => {
    expect(redactWebhookUrl(url)).toBe(expected);
  });
});

describe('redactUrlPassword', () => {
  it.each([
    ['postgres://u:pw@h/db', 'postgres://u:***@h/db'],
    ['postgresql://u:p@ss@h:5432/db?sslmode=require', 'postgresql://u:***@h:5432/db?sslmode=require'],
    ['postgres://u@h/db', 'postgres://u@h/db'],
    ['postgres://h/db?user=u&password=pw&sslmode=require', 'postgres://h/db?user=u&password=***&sslmode=require'],
    ['postgres://h/db', 'postgres://h/db'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrlPassword(url)).toBe(expected);
  });
});
