/** `settings rotate-key` (the real CLI, as a child process) on Postgres: every secret moves to the active key. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKey } from '../../src/codec/keyring';
import { loadConfigFromEnv } from '../../src/config/env';
import { createSettingsLayer } from '../../src/settings';
import { openStore, type Store } from '../../src/store';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../helpers/databases';

jest.setTimeout(120_000);

const CLI = path.resolve(__dirname, '../../src/cli.ts');
const TSX = path.resolve(__dirname, '../../node_modules/.bin/tsx');
const K1 = generateKey();
const K2 = generateKey();

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cks-cli-')); // no .env here
  return new Promise((resolve) => {
    const child = spawn(TSX, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('settings rotate-key', () => {
  let database: TestPostgresDatabase;
  let store: Store;
  const env = () => ({
    KRAYIN_URL: 'http://krayin.test/api/v1',
    KRAYIN_TOKEN: '1|envtokenvalue',
    CHATWOOT_URL: 'https://chat.test',
    CHATWOOT_ACCOUNT_ID: '1',
    CHATWOOT_API_TOKEN: 'env-api',
    CHATWOOT_WEBHOOK_SECRET: 'env-secret',
    DATABASE_URL: database.url,
  });

  beforeAll(async () => {
    database = await createTestPostgresDatabase();
    store = await openStore({ databaseUrl: database.url });
    await store.migrate();
    const layer = createSettingsLayer({
      config: loadConfigFromEnv({ ...env(), SETTINGS_ENCRYPTION_KEYS: `k1:${K1}` }),
      store,
      embedded: false,
    });
    const saved = await layer.settings.update(
      'default',
      { 'krayin.token': '5|storedtokenvalue', 'chatwoot.apiToken': 'stored-api-token' },
      'test',
    );
    expect(saved.ok).toBe(true);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const keyIds = async () =>
    (await store.connectionSettings.snapshot()).settings.map((s) => s.secret?.keyId).filter(Boolean);

  it('refuses when the listed keys cannot open a stored secret, writing nothing', async () => {
    const res = await runCli(['settings', 'rotate-key'], { ...env(), SETTINGS_ENCRYPTION_KEYS: `k2:${K2}` });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/Nothing re-encrypted: 2 secret\(s\)/);
    expect(res.stderr).not.toMatch(/storedtokenvalue|stored-api-token/);
    expect(await keyIds()).toEqual(['k1', 'k1']);
  });

  it('re-encrypts every secret with the first key and prints the counts', async () => {
    const res = await runCli(['settings', 'rotate-key'], { ...env(), SETTINGS_ENCRYPTION_KEYS: `k2:${K2},k1:${K1}` });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('Re-encrypted 2 secret(s) with key "k2" (2 from "k1")');
    expect(await keyIds()).toEqual(['k2', 'k2']);
    // The old key can go: the new one alone opens everything.
    const layer = createSettingsLayer({
      config: loadConfigFromEnv({ ...env(), SETTINGS_ENCRYPTION_KEYS: `k2:${K2}` }),
      store,
      embedded: false,
    });
    await layer.catalog.refresh();
    expect(layer.catalog.get('default')?.krayin.token).toBe('5|storedtokenvalue');
  });
});
