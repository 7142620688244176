/**
 * Real databases for tests: a fresh Postgres database per call, and the list of engines that shared
 * store suites run on. PGlite always runs; Postgres runs when reachable and is REQUIRED in CI
 * (CI=true or REQUIRE_POSTGRES=1), where skipping it silently would hide engine-specific bugs.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createStore, openDb, openPgliteDb, type Db, type PgliteDb, type Store } from '../../src/store';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function adminUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEST_DATABASE_ADMIN_URL || DEFAULT_ADMIN_URL;
}

export interface TestPostgresDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  name: string;
  /** DROP DATABASE ... WITH (FORCE): also ends connections a test forgot to close. */
  drop(): Promise<void>;
}

async function withAdminClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestPostgresDatabase(admin: string = adminUrl()): Promise<TestPostgresDatabase> {
  // Random hex only: safe to place in the identifier (CREATE DATABASE takes no parameters).
  const name = `cks_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(admin, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withAdminClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/**
 * Synchronous on purpose: describe.each needs the engine list while jest collects tests, before any
 * async hook runs. A child node process tries one connection and reports through its exit code.
 */
export function isPostgresReachable(url: string = adminUrl()): { reachable: boolean; error?: string } {
  const script = `
    const { Client } = require(process.env.CKS_PG_MODULE);
    const client = new Client({ connectionString: process.env.CKS_PG_URL, connectionTimeoutMillis: 3000 });
    client.connect().then(() => client.end()).then(
      () => process.exit(0),
      (err) => { process.stderr.write(String(err && err.message)); process.exit(1); },
    );`;
  try {
    execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, CKS_PG_MODULE: require.resolve('pg'), CKS_PG_URL: url },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 15_000,
    });
    return { reachable: true };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { reachable: false, error: stderr || (err as Error).message };
  }
}

export type StoreEngineName = 'pglite-memory' | 'pglite-dir' | 'postgres';

/** A fresh, empty, not yet migrated store plus the Db under it (for raw SQL in tests). */
export interface TestStore {
  engine: StoreEngineName;
  store: Store;
  db: Db;
  /** Connection string of the Postgres database (other processes can open it); absent for PGlite. */
  databaseUrl?: string;
  /** Closes the store and deletes what it created (database, temp dir). */
  dispose(): Promise<void>;
}

export interface StoreEngine {
  name: StoreEngineName;
  open(): Promise<TestStore>;
}

/**
 * A fresh PGlite cluster runs initdb, which takes seconds (over ten on a busy machine). Every test
 * database starts instead from one tarball of a freshly initialised, EMPTY cluster (no migrations, so
 * tests still exercise migrate()), made once per PGlite version and kept in the temp dir.
 */
export async function pgliteSeedFile(): Promise<string> {
  const pkg = path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const { version } = JSON.parse(await readFile(pkg, 'utf8')) as { version: string };
  const file = path.join(tmpdir(), `cks-pglite-seed-${version}.tar`);
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const db = await openPgliteDb();
    try {
      await db.dumpDataDir(file);
    } finally {
      await db.close();
    }
  }
  return file;
}

async function openSeededPglite(dataDir?: string): Promise<PgliteDb> {
  return openPgliteDb({ dataDir, seedFile: await pgliteSeedFile() });
}

function pgliteMemoryEngine(): StoreEngine {
  return {
    name: 'pglite-memory',
    async open() {
      const db = await openSeededPglite();
      return { engine: 'pglite-memory', db, store: createStore(db), dispose: () => db.close() };
    },
  };
}

/** PGlite on disk (a temp dir, removed by dispose). */
export function pgliteDirEngine(): StoreEngine {
  return {
    name: 'pglite-dir',
    async open() {
      const dir = await mkdtemp(path.join(tmpdir(), 'cks-pglite-'));
      const db = await openSeededPglite(dir);
      return {
        engine: 'pglite-dir',
        db,
        store: createStore(db),
        dispose: async () => {
          await db.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

export function postgresEngine(admin: string = adminUrl()): StoreEngine {
  return {
    name: 'postgres',
    async open() {
      const database = await createTestPostgresDatabase(admin);
      const db = await openDb({ databaseUrl: database.url, maxConnections: 25 });
      return {
        engine: 'postgres',
        db,
        databaseUrl: database.url,
        store: createStore(db),
        dispose: async () => {
          await db.close();
          await database.drop();
        },
      };
    },
  };
}

export interface StoreEnginesOptions {
  /** Also run on PGlite in a temp dir. */
  includePgliteDir?: boolean;
  /** For testing this helper; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** For testing this helper; defaults to the admin URL from env. */
  adminUrl?: string;
  /** Where the "Postgres skipped" warning goes; defaults to console.warn. */
  warn?: (line: string) => void;
}

export function postgresRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.REQUIRE_POSTGRES === '1';
}

export function storeEngines(options: StoreEnginesOptions = {}): StoreEngine[] {
  const env = options.env ?? process.env;
  const admin = options.adminUrl ?? adminUrl(env);
  const engines = [pgliteMemoryEngine()];
  if (options.includePgliteDir) engines.push(pgliteDirEngine());

  const probe = isPostgresReachable(admin);
  if (probe.reachable) return [...engines, postgresEngine(admin)];

  const where = new URL(admin).host;
  if (postgresRequired(env)) {
    throw new Error(
      `Postgres is required (CI=true or REQUIRE_POSTGRES=1) but ${where} is not reachable: ${probe.error}. ` +
        'Start it or point TEST_DATABASE_ADMIN_URL at one.',
    );
  }
  (options.warn ?? console.warn)(
    `WARNING: Postgres at ${where} is not reachable (${probe.error}); store tests run on PGlite only. ` +
      'Set TEST_DATABASE_ADMIN_URL, or REQUIRE_POSTGRES=1 to make this an error.',
  );
  return engines;
}
