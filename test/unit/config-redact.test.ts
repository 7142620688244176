import { loadConfigFromEnv } from '../../src/config/env';
import { REDACTED, redactConfig, redactUrlPassword } from '../../src/config/redact';

const env = {
  KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
  KRAYIN_TOKEN: '7|KRAYIN-SECRET-abcdef',
  CHATWOOT_URL: 'https://chat.example.com',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_TOKEN: 'CHATWOOT-SECRET',
  CHATWOOT_WEBHOOK_SECRET: 'HOOK-SECRET',
  DATABASE_URL: 'postgres://sync:DB-SECRET@db:5432/sync',
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
    const config = loadConfigFromEnv(env);
    const redacted = redactConfig(config);
    redacted.connections[0]!.sync.lead.value = 99;
    expect(config.connections[0]?.krayin.token).toBe('7|KRAYIN-SECRET-abcdef');
    expect(config.connections[0]?.sync.lead.value).toBe(0);
  });

  it('does not invent a webhook secret or a database URL', () => {
    const { CHATWOOT_WEBHOOK_SECRET: _s, DATABASE_URL: _d, ...rest } = env;
    const redacted = redactConfig(loadConfigFromEnv(rest));
    expect(redacted.connections[0]?.chatwoot.webhookSecret).toBeUndefined();
    expect(redacted.database.url).toBeUndefined();
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
