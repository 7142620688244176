/** docs/configuration.md must match the code: every variable documented, with the default the code applies. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENV_VARIABLES, loadConfigFromEnv } from '../../src/config/env';

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
const defaults = loadConfigFromEnv(required);

function valueAt(value: unknown, keys: readonly (string | number)[]): unknown {
  return keys.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);
}

describe('docs/configuration.md', () => {
  it('documents CONFIG_FILE and every variable the loader reads, and no other', () => {
    expect([...defaultCells.keys()].sort()).toEqual([...ENV_VARIABLES.map((v) => v.name), 'CONFIG_FILE'].sort());
  });

  it.each(ENV_VARIABLES.filter((v) => v.name !== 'FIELD_MAP').map((v) => [v.name, v] as const))(
    '%s has the default the code applies',
    (name, variable) => {
      const cell = defaultCells.get(name);
      const value = valueAt(defaults, variable.path);
      if (name in required) expect(cell).toBe('required');
      else if (value === undefined) expect(cell).not.toMatch(/^`/);
      else expect(cell).toBe(`\`${String(value)}\``);
    },
  );

  it('documents the default field map as empty', () => {
    expect(defaultCells.get('FIELD_MAP')).toBe('`{}` (defaults only)');
    expect(defaults.connections[0]?.sync.fieldMap).toEqual({ person: {}, organization: {}, lead: {} });
  });
});
