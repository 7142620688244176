/**
 * Stored connection settings (migration 012) on every engine: validated before storing, secrets sealed
 * (no clear text in the table), the version bumped with each change, a second catalog (a replica) seeing
 * it, changes serialised under the lock, deletion rules, key rotation.
 */
import { generateKey } from '../../src/codec/keyring';
import { parseConfigObject } from '../../src/config/file';
import { configSourcesOf } from '../../src/config/sources';
import { ConnectionCatalog, type CatalogChange } from '../../src/settings/catalog';
import type { SettingsBase } from '../../src/settings/layers';
import { rotateSettingsKey } from '../../src/settings/rotate';
import { NO_KEY_MESSAGE, SecretBox } from '../../src/settings/secret-box';
import { createStoredConnectionSettings } from '../../src/settings/service';
import type { ConnectionSettings } from '../../src/settings/types';
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

const K1 = generateKey();
const K2 = generateKey();
const box1 = new SecretBox({ activeKeyId: 'k1', keys: { k1: K1 } });

const config = parseConfigObject({
  connections: [
    {
      id: 'main',
      krayin: { url: 'http://krayin.test/api/v1', token: '1|configtoken' },
      chatwoot: { url: 'https://chat.test', accountId: 1, apiToken: 'config-api', webhookSecret: 'config-secret' },
    },
  ],
});
const base: SettingsBase = {
  configured: config.connections,
  sources: configSourcesOf(config),
  allowUnsignedWebhooks: false,
};

const second = {
  id: 'second',
  krayin: { url: 'http://krayin2.test/api/v1', token: '5|secondtokenvalue' },
  chatwoot: {
    url: 'https://chat2.test',
    accountId: 7,
    apiToken: 'second-api-token',
    webhookSecret: 'second-webhook-secret',
  },
};

describe.each(storeEngines().map((e) => [e.name, e] as const))('connection settings on %s', (_name, engine) => {
  let t: TestStore;
  let settings: ConnectionSettings;
  let catalog: ConnectionCatalog;
  const changes: CatalogChange[] = [];

  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
    catalog = new ConnectionCatalog({ store: t.store, base, box: box1 });
    catalog.onChange((c) => void changes.push(c));
    await catalog.refresh();
    settings = createStoredConnectionSettings({
      store: t.store,
      base,
      box: box1,
      afterChange: async () => void (await catalog.refresh()),
    });
  });
  afterAll(async () => {
    await catalog?.stop();
    await t?.dispose();
  });

  const rawRows = async () =>
    (await t.db.query<Record<string, unknown>>('SELECT * FROM connection_settings ORDER BY connection_id, path')).rows;

  it('updates a configured connection: stored, in force at once, shown with its layer', async () => {
    const v0 = await t.store.connectionSettings.version();
    const saved = await settings.update(
      'main',
      { 'sync.leadPolicy': 'never', 'krayin.token': '3|consoletoken' },
      'alice',
    );
    expect(saved).toMatchObject({ ok: true, connection: { id: 'main', sync: { leadPolicy: 'never' } } });
    expect(await t.store.connectionSettings.version()).toBe(v0 + 1);
    expect(catalog.get('main')?.krayin.token).toBe('3|consoletoken');
    expect(changes.at(-1)).toMatchObject({ changed: [{ id: 'main' }], added: [], removed: [] });
    const view = await settings.get('main');
    expect(view?.values.find((v) => v.path === 'sync.leadPolicy')).toMatchObject({ value: 'never', layer: 'console' });
    expect(view?.values.find((v) => v.path === 'krayin.url')).toMatchObject({ layer: 'file' });
    expect(view?.values.find((v) => v.path === 'krayin.token')).toMatchObject({ value: null, secretSet: true });
    expect(JSON.stringify(await settings.list())).not.toContain('consoletoken');
  });

  it('without a key, refuses to store a secret and says why', async () => {
    const keyless = createStoredConnectionSettings({ store: t.store, base, box: null });
    expect(keyless.secretStorage).toEqual({ available: false, reason: NO_KEY_MESSAGE });
    const v = await t.store.connectionSettings.version();
    const refused = await keyless.update('main', { 'chatwoot.apiToken': 'never-stored-token' }, 'x');
    expect(refused).toMatchObject({ ok: false });
    expect(refused.ok ? [] : refused.issues).toContainEqual({ path: 'chatwoot.apiToken', message: NO_KEY_MESSAGE });
    expect(await t.store.connectionSettings.version()).toBe(v);
    expect(JSON.stringify(await rawRows())).not.toContain('never-stored-token');
    expect(settings.secretStorage).toEqual({ available: true });
  });

  it('keeps no secret in clear: the table holds ciphertext and the key id', async () => {
    const rows = await rawRows();
    const token = rows.find((r) => r.path === 'krayin.token')!;
    expect(token).toMatchObject({ connection_id: 'main', value: null, key_id: 'k1', updated_by: 'alice' });
    expect(JSON.stringify(rows)).not.toContain('consoletoken');
    // A wrong key cannot open it; a blob copied to another row does not open either.
    const wrong = new SecretBox({ activeKeyId: 'k1', keys: { k1: K2 } });
    const sealed = { ciphertext: String(token.secret_ciphertext), keyId: 'k1' };
    expect(() => wrong.open('main', 'krayin.token', sealed)).toThrow(/does not decrypt/);
    expect(() => box1.open('main', 'chatwoot.apiToken', sealed)).toThrow(/does not decrypt/);
    expect(box1.open('main', 'krayin.token', sealed)).toBe('3|consoletoken');
  });

  it('refuses an invalid change before storing anything (issues name paths, not values)', async () => {
    const v = await t.store.connectionSettings.version();
    const rows = await rawRows();
    const saved = await settings.update(
      'main',
      { 'krayin.url': 'ftp://nope-value', 'sync.debounceMs': -5, 'sync.nothing': 1, id: 'x' },
      'bob',
    );
    expect(saved.ok).toBe(false);
    const issues = saved.ok ? [] : saved.issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['id']);
    const again = await settings.update('main', { 'krayin.url': 'ftp://nope-value', 'sync.debounceMs': -5 }, 'bob');
    expect(again.ok ? [] : again.issues.map((i) => i.path).sort()).toEqual(['krayin.url', 'sync.debounceMs']);
    expect(JSON.stringify(again)).not.toContain('nope-value');
    const unknown = await settings.update('main', { 'sync.nothing': 1 }, 'bob');
    expect(unknown).toEqual({
      ok: false,
      issues: [{ path: 'sync.nothing', message: 'is not a setting of a connection' }],
    });
    expect(await t.store.connectionSettings.version()).toBe(v);
    expect(await rawRows()).toEqual(rows);
  });

  it('null drops a console value: back to the file layer', async () => {
    await settings.update('main', { 'krayin.token': null }, 'alice');
    expect(catalog.get('main')?.krayin.token).toBe('1|configtoken');
    const view = await settings.get('main');
    expect(view?.values.find((v) => v.path === 'krayin.token')).toMatchObject({ layer: 'file', secretSet: true });
  });

  it('creates a console connection, refuses a duplicate id, deletes it; a configured one cannot be deleted', async () => {
    const created = await settings.create(second, 'alice');
    expect(created).toMatchObject({ ok: true, connection: { id: 'second', enabled: true } });
    expect(catalog.all().map((c) => c.id)).toEqual(['main', 'second']);
    expect(changes.at(-1)?.added.map((c) => c.id)).toEqual(['second']);
    expect(JSON.stringify(await rawRows())).not.toMatch(/secondtokenvalue|second-api-token|second-webhook-secret/);
    expect((await settings.get('second'))?.origin).toBe('console');

    expect(await settings.create({ ...second }, 'bob')).toMatchObject({ ok: false, issues: [{ path: 'id' }] });
    expect(await settings.create({ ...second, id: 'main' }, 'bob')).toMatchObject({ ok: false });
    const incomplete = await settings.create({ id: 'third', krayin: { url: 'http://k.test' } }, 'bob');
    expect(incomplete.ok ? [] : incomplete.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['krayin.token', 'chatwoot']),
    );

    const refused = await settings.remove('main', 'bob');
    expect(refused).toMatchObject({ ok: false, reason: expect.stringMatching(/disable it instead/) });
    expect(await settings.remove('second', 'alice')).toEqual({ ok: true });
    expect(catalog.all().map((c) => c.id)).toEqual(['main']);
    expect(changes.at(-1)?.removed).toEqual(['second']);
    expect((await rawRows()).filter((r) => r.connection_id === 'second')).toEqual([]);
    expect(await settings.remove('second', 'alice')).toMatchObject({ ok: false });
  });

  it('a second catalog (another replica) sees a change through the version', async () => {
    const replica = new ConnectionCatalog({ store: t.store, base, box: box1 });
    await replica.refresh();
    expect(await replica.refresh()).toBe(false);
    await settings.update('main', { enabled: false }, 'alice');
    expect(await replica.refresh()).toBe(true);
    expect(replica.get('main')?.enabled).toBe(false);
    expect((await settings.get('main'))?.enabled).toBe(false);
    await settings.update('main', { enabled: null }, 'alice');
  });

  it('serialises concurrent changes: none is lost', async () => {
    const v = await t.store.connectionSettings.version();
    const edits: Record<string, number> = {
      'sync.debounceMs': 1500,
      'sync.idleCloseMs': 7_200_000,
      'sync.lead.value': 12,
      'krayin.requestsPerMinute': 40,
      'krayin.timeoutMs': 9_000,
      'krayin.writeSettleMs': 30_000,
      'chatwoot.timeoutMs': 8_000,
    };
    const results = await Promise.all(
      Object.entries(edits).map(([p, value]) => settings.update('main', { [p]: value }, 'u')),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await t.store.connectionSettings.version()).toBe(v + Object.keys(edits).length);
    const view = await settings.get('main');
    for (const [p, value] of Object.entries(edits)) {
      expect(view?.values.find((x) => x.path === p)).toMatchObject({ value, layer: 'console' });
    }
  });

  it('rotates every secret to the active key; the old key can then go', async () => {
    await settings.update(
      'main',
      { 'chatwoot.apiToken': 'rotated-api-token', 'krayin.token': '4|rotatetoken' },
      'alice',
    );
    const rotated = new SecretBox({ activeKeyId: 'k2', keys: { k2: K2, k1: K1 } });
    const report = await rotateSettingsKey(t.store, rotated);
    expect(report).toMatchObject({ activeKeyId: 'k2', byPreviousKey: { k1: 2 }, total: 2, failures: [] });
    const rows = await rawRows();
    expect(rows.filter((r) => r.secret_ciphertext !== null).map((r) => r.key_id)).toEqual(['k2', 'k2']);
    const onlyK2 = new ConnectionCatalog({
      store: t.store,
      base,
      box: new SecretBox({ activeKeyId: 'k2', keys: { k2: K2 } }),
    });
    await onlyK2.refresh();
    expect(onlyK2.get('main')?.chatwoot.apiToken).toBe('rotated-api-token');
    // The old key alone opens nothing now: the catalog keeps the configured values.
    const onlyK1 = new ConnectionCatalog({ store: t.store, base, box: box1 });
    await onlyK1.refresh();
    expect(onlyK1.get('main')?.chatwoot.apiToken).toBe('config-api');
    // A rotation with a key list that cannot open a secret writes nothing.
    const v = await t.store.connectionSettings.version();
    const failed = await rotateSettingsKey(t.store, box1);
    expect(failed.failures).toHaveLength(2);
    expect(await t.store.connectionSettings.version()).toBe(v);
  });
});
