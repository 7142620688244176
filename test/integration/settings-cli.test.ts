/**
 * The CLI commands that take --connection (connect, krayin-hooks, reconcile, backfill) see the
 * connections the service runs with: a connection added in the console, and console values over a
 * configured one, read from the store with the settings key (src/settings/cli-config.ts). When the
 * database cannot be read, a console-only connection is refused with why and what to do.
 * Real store (PGlite), real fake Krayin over HTTP, the real krayin-hooks command.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { loadConfigFromEnv } from '../../src/config/env';
import { openStore, type Store } from '../../src/store';
import { generateKey } from '../../src/codec/keyring';
import { appConfigSchema, type AppConfig } from '../../src/config/schema';
import { runKrayinHooksCommand } from '../../src/krayin-hooks/cli';
import { createSettingsLayer } from '../../src/settings';
import { cliConnections, withCliConnections } from '../../src/settings/cli-config';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import {
  createTestPostgresDatabase,
  storeEngines,
  type TestPostgresDatabase,
  type TestStore,
} from '../helpers/databases';

jest.setTimeout(120_000);

const HOOKS_TOKEN = 'hT5kW9qR2mX7vL3nB8sD4fJ6';
const KEY = generateKey();

describe('CLI commands see console-added connections', () => {
  let t: TestStore;
  let fake: FakeKrayin;
  let config: AppConfig;

  beforeAll(async () => {
    fake = await startFakeKrayin({ rateLimit: 0 });
    t = await storeEngines()[0]!.open();
    await t.store.migrate();
    config = appConfigSchema.parse({
      temporal: {},
      database: {},
      publicUrl: 'https://sync.example.com',
      settingsEncryption: { keys: { s1: KEY }, activeKeyId: 's1' },
      connections: [
        {
          id: 'default',
          krayin: { url: 'http://127.0.0.1:9/api/v1', token: '1|ConfiguredTokenValue0123456789' },
          chatwoot: {
            url: 'http://127.0.0.1:9',
            accountId: 1,
            apiToken: 'x',
            webhookSecret: 'secret-0123456789abcdef',
          },
        },
      ],
    });
    const layer = createSettingsLayer({ config, store: t.store, embedded: false });
    const created = await layer.settings.create(
      {
        id: 'console-only',
        krayin: { url: fake.apiBase, token: fake.token },
        chatwoot: { url: 'http://127.0.0.1:9', accountId: 2, apiToken: 'y', webhookSecret: 'secret-abcdef0123456789' },
        krayinHooks: { token: HOOKS_TOKEN },
      },
      'test',
    );
    expect(created.ok).toBe(true);
    // A console value over the configured connection.
    expect((await layer.settings.update('default', { 'krayin.timeoutMs': 4321 }, 'test')).ok).toBe(true);
  });
  afterAll(async () => {
    await t?.dispose();
    await fake?.close();
  });

  it('reads the layered connections: the console-added one, console values over a configured one', async () => {
    const layered = await cliConnections(config, { store: t.store });
    expect(layered.unread).toBeUndefined();
    expect(layered.config.connections.map((c) => c.id).sort()).toEqual(['console-only', 'default']);
    expect(layered.config.connections.find((c) => c.id === 'default')!.krayin.timeoutMs).toBe(4321);
    // The secret is opened with the settings key, never read from the environment.
    expect(layered.config.connections.find((c) => c.id === 'console-only')!.krayin.token).toBe(fake.token);
  });

  it('krayin-hooks install works on a console-added connection (its token, its hooks token)', async () => {
    const lines: string[] = [];
    const argv = ['install', '--connection', 'console-only'];
    const code = await withCliConnections(
      config,
      argv,
      (layered) =>
        runKrayinHooksCommand(argv, layered, {
          out: { log: (l) => lines.push(l), error: (l) => lines.push(`ERR ${l}`) },
        }),
      { store: t.store },
    );
    expect(lines.join('\n')).not.toContain('ERR');
    expect(code).toBe(0);
    const res = await request(`${fake.apiBase}/settings/webhooks?limit=100`, {
      headers: { accept: 'application/json', authorization: `Bearer ${fake.token}` },
    });
    const hooks = ((await res.body.json()) as { data: Array<{ end_point: string }> }).data;
    expect(hooks.some((w) => w.end_point.includes('/webhooks/krayin/console-only/'))).toBe(true);
    expect(lines.join('\n')).not.toContain(HOOKS_TOKEN);
  });

  it('without a readable database: a console-only connection is refused with why and what to do', async () => {
    const unreachable = { ...config, database: { ...config.database, url: 'postgres://nobody@127.0.0.1:1/none' } };
    const errors: string[] = [];
    let ran = false;
    const code = await withCliConnections(
      unreachable,
      ['install', '--connection', 'console-only'],
      async () => {
        ran = true;
        return 0;
      },
      { error: (l) => errors.push(l) },
    );
    expect(ran).toBe(false);
    expect(code).toBe(78);
    expect(errors.join()).toMatch(/No connection "console-only" in the configuration/);
    expect(errors.join()).toMatch(/could not be read/);
    expect(errors.join()).toMatch(/DATABASE_URL and SETTINGS_ENCRYPTION_KEYS/);
    // A configured connection still runs, on its configured values.
    const notes: string[] = [];
    const configured = await withCliConnections(
      unreachable,
      ['status', '--connection', 'default'],
      async (c) => (c.connections.some((x) => x.id === 'default') ? 0 : 1),
      { error: (l) => notes.push(l) },
    );
    expect(configured).toBe(0);
    expect(notes.join()).toMatch(/^Note: the settings saved in the console could not be read/);
  });
});

describe('npm run cli -- krayin-hooks on a console-added connection (a real process, Postgres)', () => {
  const TSX = path.resolve(__dirname, '../../node_modules/.bin/tsx');
  const CLI = path.resolve(__dirname, '../../src/cli.ts');
  let database: TestPostgresDatabase;
  let store: Store;
  let fake: FakeKrayin;
  const env = () => ({
    KRAYIN_URL: 'http://127.0.0.1:9/api/v1',
    KRAYIN_TOKEN: '1|envtokenvalue',
    CHATWOOT_URL: 'https://chat.test',
    CHATWOOT_ACCOUNT_ID: '1',
    CHATWOOT_API_TOKEN: 'env-api',
    CHATWOOT_WEBHOOK_SECRET: 'env-secret',
    PUBLIC_URL: 'https://sync.example.com',
    DATABASE_URL: database.url,
    SETTINGS_ENCRYPTION_KEYS: `s1:${KEY}`,
  });
  const runCli = (args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'cks-cli-')); // no .env here
    return new Promise((resolve) => {
      const child = spawn(TSX, [CLI, ...args], {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env() },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  };

  beforeAll(async () => {
    fake = await startFakeKrayin({ rateLimit: 0 });
    database = await createTestPostgresDatabase();
    store = await openStore({ databaseUrl: database.url });
    await store.migrate();
    const layer = createSettingsLayer({ config: loadConfigFromEnv(env()), store, embedded: false });
    const created = await layer.settings.create(
      {
        id: 'console-only',
        krayin: { url: fake.apiBase, token: fake.token },
        chatwoot: { url: 'http://127.0.0.1:9', accountId: 2, apiToken: 'y', webhookSecret: 'secret-abcdef0123456789' },
        krayinHooks: { token: HOOKS_TOKEN },
      },
      'test',
    );
    expect(created.ok).toBe(true);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
    await fake?.close();
  });

  it('installs the hooks with the console-stored tokens', async () => {
    const res = await runCli(['krayin-hooks', 'install', '--connection', 'console-only']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('console-only');
    expect(res.stdout + res.stderr).not.toContain(HOOKS_TOKEN);
    expect(res.stdout + res.stderr).not.toContain(fake.token);
    expect(fake.requests().length).toBeGreaterThan(0);
  });
});
