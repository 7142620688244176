/**
 * A tiny database abstraction so the same repositories and the same SQL run on Postgres (`pg`) and on
 * PGlite (Postgres compiled to WASM, run in a worker thread of this process). Keep it tiny: anything
 * engine-specific belongs in an adapter (db-postgres.ts, db-pglite.ts), never in a repository.
 */
export interface QueryResult<T> {
  rows: T[];
  /** Rows returned (SELECT, RETURNING) or affected (INSERT/UPDATE/DELETE); 0 for DDL. */
  rowCount: number;
}

export type DbEngine = 'postgres' | 'pglite';

export interface Db {
  readonly engine: DbEngine;
  /**
   * One statement with `$1..$n` parameters (never interpolate values into SQL). Parameters: string,
   * number, boolean, bigint, Date, null, or a flat array of those; JSON goes in as text (see db-params.ts).
   */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** A multi-statement script without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws (and an error when
   * COMMIT finds the transaction aborted). Inside `fn` use only `tx`: using the outer Db there throws,
   * because on pg it would run outside the transaction and on PGlite (one connection) it would deadlock.
   * `tx.transaction` nests with a SAVEPOINT; do not run nested transactions concurrently.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Releases the pool / shuts PGlite down (flushing its files). On a transaction handle it throws. */
  close(): Promise<void>;
}

export { openPostgresDb, type PostgresDbOptions } from './db-postgres';
export { openPgliteDb, type PgliteDb, type PgliteDbOptions } from './db-pglite';
