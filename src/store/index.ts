/**
 * Entry point of the store. `openStore` picks the engine: Postgres when a URL is configured, else
 * PGlite under a data directory (or in memory, for tests). Migrating is the caller's choice:
 * `await store.migrate()` (or `migrate(db)`) once at startup.
 */
import { openPgliteDb, openPostgresDb, type Db } from './db';
import { createStore } from './store';
import type { Store } from './types';

export interface OpenStoreOptions {
  /** postgres:// URL; wins over the PGlite options. */
  databaseUrl?: string;
  /** PGlite data directory (created when missing). */
  pgliteDir?: string;
  /** Throw-away PGlite in memory (tests). */
  inMemory?: boolean;
  /** Postgres pool size (default 10). */
  maxConnections?: number;
}

export async function openDb(opts: OpenStoreOptions): Promise<Db> {
  if (opts.databaseUrl) {
    return openPostgresDb({ connectionString: opts.databaseUrl, maxConnections: opts.maxConnections });
  }
  if (opts.pgliteDir) return openPgliteDb({ dataDir: opts.pgliteDir });
  if (opts.inMemory) return openPgliteDb();
  // No silent in-memory fallback: a misconfigured deployment would lose every link on restart.
  throw new Error('openStore needs databaseUrl, pgliteDir or inMemory');
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  return createStore(await openDb(opts));
}

export { createStore } from './store';
export { migrate, migrationChecksum, MIGRATION_LOCK_KEY, type MigrateOptions, type MigrateResult } from './migrate';
export { MIGRATIONS, type Migration } from './migrations';
export {
  openPgliteDb,
  openPostgresDb,
  type Db,
  type DbEngine,
  type PgliteDb,
  type PgliteDbOptions,
  type PostgresDbOptions,
  type QueryResult,
} from './db';
export { PgliteDatabaseError } from './pglite-worker-client';
export type * from './types';
