/**
 * Applies pending migrations. Each migration runs in its own transaction that first takes a
 * transaction-scoped advisory lock, so several processes starting at once (workers, ingest) apply each
 * migration exactly once and the others wait, then see it applied. The lock goes away with the
 * transaction, so a crashed migrator never leaves it held.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db';
import { MIGRATIONS, type Migration } from './migrations';

/** Advisory lock id for migrations; arbitrary, constant, unlikely to collide with another app's. */
export const MIGRATION_LOCK_KEY = 727_318_001;

const CREATE_SCHEMA_MIGRATIONS = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

export interface MigrateOptions {
  /** Defaults to the product's migrations; tests pass their own. */
  migrations?: readonly Migration[];
}

export interface MigrateResult {
  /** Versions this call applied (empty when the schema was current). */
  applied: number[];
}

export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

function assertWellOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) {
      throw new Error(`migration list out of order: position ${index + 1} holds version ${m.version}`);
    }
  });
}

export async function migrate(db: Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = options.migrations ?? MIGRATIONS;
  assertWellOrdered(migrations);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (await applyOne(db, migration)) applied.push(migration.version);
  }
  // Versions newer than this code knows (a newer release ran first) are left alone: rolling deploys.
  return { applied };
}

async function applyOne(db: Db, migration: Migration): Promise<boolean> {
  const checksum = migrationChecksum(migration);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    await tx.query(CREATE_SCHEMA_MIGRATIONS);
    const { rows } = await tx.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE version = $1', [
      migration.version,
    ]);
    const existing = rows[0];
    if (existing) {
      if (existing.checksum !== checksum) {
        throw new Error(
          `migration ${migration.version} (${migration.name}) changed after it was applied; ` +
            'shipped migrations are append-only: revert the edit and add a new migration instead',
        );
      }
      return false;
    }
    await tx.exec(migration.sql);
    await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      checksum,
    ]);
    return true;
  });
}
