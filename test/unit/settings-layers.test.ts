/** Layering: console > file > env > default, validation before storing, secrets never shown. */
import { loadConfigFromEnv } from '../../src/config/env';
import { parseConfigObject } from '../../src/config/file';
import { configSourcesOf } from '../../src/config/sources';
import type { AppConfig } from '../../src/config/schema';
import { connectionView, resolveConnections, validateConnection, type SettingsBase } from '../../src/settings/layers';
import { flattenSettings, pathProblem } from '../../src/settings/paths';
import { SecretBox } from '../../src/settings/secret-box';
import { generateKey } from '../../src/codec/keyring';
import type { SettingsSnapshot, StoredSetting } from '../../src/store/types';

const box = new SecretBox({ activeKeyId: 'k1', keys: { k1: generateKey() } });

function baseOf(config: AppConfig): SettingsBase {
  return { configured: config.connections, sources: configSourcesOf(config), allowUnsignedWebhooks: false };
}

function row(connectionId: string, path: string, value: unknown, secret = false): StoredSetting {
  return {
    connectionId,
    path,
    value: secret ? null : (value as StoredSetting['value']),
    secret: secret ? box.seal(connectionId, path, String(value)) : null,
    updatedBy: 'test',
    updatedAt: new Date(),
  };
}

function snapshot(settings: StoredSetting[], consoleIds: string[] = []): SettingsSnapshot {
  return {
    version: 1,
    settings,
    consoleConnections: consoleIds.map((connectionId) => ({ connectionId, createdAt: new Date(), createdBy: 't' })),
  };
}

const env = {
  KRAYIN_URL: 'http://krayin.test/api/v1',
  KRAYIN_TOKEN: '1|envtokenvalue',
  CHATWOOT_URL: 'https://chat.example.com',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_TOKEN: 'env-api-token',
  CHATWOOT_WEBHOOK_SECRET: 'env-webhook-secret',
  LEAD_POLICY: 'contact_created',
};

const fileConnection = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  krayin: { url: `http://${id}.krayin.test/api/v1`, token: '2|filetokenvalue' },
  chatwoot: { url: 'https://chat.example.com', accountId: 2, apiToken: 'file-api', webhookSecret: 'file-secret' },
  ...extra,
});

describe('layers', () => {
  it('env connection: env for what was set, default for the rest, console over both', () => {
    const config = loadConfigFromEnv(env);
    const base = baseOf(config);
    const [resolved] = resolveConnections(
      base,
      snapshot([row('default', 'sync.leadPolicy', 'never'), row('default', 'krayin.timezone', 'Asia/Kolkata')]),
      box,
    );
    expect(resolved!.config!.sync.leadPolicy).toBe('never');
    expect(resolved!.config!.krayin.timezone).toBe('Asia/Kolkata');
    const view = connectionView(base, resolved!);
    const at = (p: string) => view.values.find((v) => v.path === p);
    expect(at('krayin.url')).toMatchObject({ value: 'http://krayin.test/api/v1', layer: 'env' });
    expect(at('sync.leadPolicy')).toMatchObject({ value: 'never', layer: 'console' });
    expect(at('krayin.timezone')).toMatchObject({ value: 'Asia/Kolkata', layer: 'console' });
    expect(at('sync.debounceMs')).toMatchObject({ value: 2000, layer: 'default' });
    expect(view.origin).toBe('config');
  });

  it('file connections: file layer; a whole value (field map) replaced by the console', () => {
    const config = parseConfigObject({
      connections: [
        fileConnection('a', { sync: { fieldMap: { person: { job_title: 'custom_attributes.role' } } } }),
        fileConnection('b'),
      ],
    });
    const base = baseOf(config);
    const map = { lead: { description: 'custom_attributes.notes' } };
    const resolved = resolveConnections(base, snapshot([row('a', 'sync.fieldMap', map)]), box);
    expect(resolved.map((r) => r.id)).toEqual(['a', 'b']);
    expect(resolved[0]!.config!.sync.fieldMap).toEqual({ person: {}, organization: {}, lead: map.lead });
    const view = connectionView(base, resolved[0]!);
    expect(view.values.find((v) => v.path === 'sync.fieldMap')).toMatchObject({ layer: 'console' });
    expect(view.values.find((v) => v.path === 'krayin.url')).toMatchObject({ layer: 'file' });
    const other = connectionView(base, resolved[1]!);
    expect(other.values.find((v) => v.path === 'sync.fieldMap')).toMatchObject({ layer: 'default' });
  });

  it('secrets: opened for the connection in force, never in the view', () => {
    const config = loadConfigFromEnv(env);
    const base = baseOf(config);
    const [resolved] = resolveConnections(
      base,
      snapshot([row('default', 'krayin.token', '9|consoletoken', true)]),
      box,
    );
    expect(resolved!.config!.krayin.token).toBe('9|consoletoken');
    const view = connectionView(base, resolved!);
    expect(JSON.stringify(view)).not.toMatch(/consoletoken|envtokenvalue|env-api-token|env-webhook-secret/);
    expect(view.values.find((v) => v.path === 'krayin.token')).toEqual({
      path: 'krayin.token',
      value: null,
      secret: true,
      secretSet: true,
      layer: 'console',
    });
    expect(view.values.find((v) => v.path === 'chatwoot.webhookToken')).toMatchObject({ secretSet: false });
  });

  it('a secret no key opens: the configured value stays in force and the problem is reported', () => {
    const config = loadConfigFromEnv(env);
    const other = new SecretBox({ activeKeyId: 'k9', keys: { k9: generateKey() } });
    const [resolved] = resolveConnections(
      baseOf(config),
      snapshot([row('default', 'krayin.token', '9|consoletoken', true)]),
      other,
    );
    expect(resolved!.config!.krayin.token).toBe('1|envtokenvalue');
    expect(resolved!.problems.join(' ')).toMatch(/krayin.token .* "k1", which SETTINGS_ENCRYPTION_KEYS does not list/);
  });

  it('a console-added connection is built from its stored values only', () => {
    const config = loadConfigFromEnv(env);
    const values = flattenSettings(fileConnection('second'));
    const rows = [...values].map(([p, v]) =>
      row('second', p, v, ['krayin.token', 'chatwoot.apiToken', 'chatwoot.webhookSecret'].includes(p)),
    );
    const resolved = resolveConnections(baseOf(config), snapshot(rows, ['second']), box);
    expect(resolved.map((r) => [r.id, r.origin])).toEqual([
      ['default', 'config'],
      ['second', 'console'],
    ]);
    expect(resolved[1]!.config).toMatchObject({ id: 'second', krayin: { token: '2|filetokenvalue' }, enabled: true });
    const view = connectionView(baseOf(config), resolved[1]!);
    expect(view.values.find((v) => v.path === 'krayin.url')?.layer).toBe('console');
    expect(view.values.find((v) => v.path === 'krayin.timezone')?.layer).toBe('default');
  });

  it('validation names the path, never the value, and applies the webhook rule', () => {
    const bad = validateConnection(
      {
        id: 'x',
        krayin: { url: 'not a url', token: 'secret-looking-but-wrong' },
        chatwoot: { url: 'https://c.test', accountId: 1, apiToken: 't' },
      },
      false,
    );
    expect(bad.ok).toBe(false);
    const issues = bad.ok ? [] : bad.issues;
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['krayin.url', 'krayin.token', 'chatwoot.webhookSecret']),
    );
    expect(JSON.stringify(issues)).not.toMatch(/not a url|secret-looking/);
    expect(validateConnection({ ...fileConnection('y') }, false).ok).toBe(true);
  });

  it('setting names: dotted words; the id is not a setting', () => {
    expect(pathProblem('krayin.url')).toBeNull();
    expect(pathProblem('id')).toMatch(/cannot be changed/);
    expect(pathProblem('__proto__.x')).not.toBeNull();
    expect(pathProblem('a..b')).not.toBeNull();
  });
});
