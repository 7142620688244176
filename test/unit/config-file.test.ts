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
  chatwoot: { url: 'https://chat.example.com', accountId: 1, apiToken: `${id}-chatwoot-token` },
  ...extra,
});

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
      ['globex', false, 'Asia/Kolkata', 'contact_created'],
    ]);
    expect(config.connections[0]?.sync.fieldMap).toEqual({
      person: { cw_tier: 'custom_attributes.tier' },
      organization: {},
      lead: {},
    });
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
    };
    expect(loadConfig(env).connections.map((c) => c.id)).toEqual(['default']);
    expect(() => loadConfig({})).toThrow(ConfigError);
  });
});
