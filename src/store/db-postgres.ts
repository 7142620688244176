/** `Db` over a `pg` Pool. */
import { Pool, types as pgTypes, type CustomTypesConfig, type PoolClient, type QueryConfig } from 'pg';
import type { Db } from './db';
import { createDb, type DriverResult, type Session } from './db-core';
import type { DriverParam } from './db-params';
import { parserFor } from './type-parsers';

export interface PostgresDbOptions {
  /** postgres://user@host:port/db */
  connectionString: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Fail fast instead of hanging when the server is unreachable (default 10 s). */
  connectionTimeoutMs?: number;
  /**
   * An idle pooled connection failed (server restart, network). pg would crash the process on an
   * unhandled 'error' event; the pool replaces the connection on the next query. Default: one warn line.
   */
  onIdleClientError?: (err: Error) => void;
}

/** Per-pool parsers (pg's global `types.setTypeParser` would change every pg user in the process). */
const typeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    format === 'binary' ? pgTypes.getTypeParser(oid, 'binary') : parserFor(oid)) as CustomTypesConfig['getTypeParser'],
};

function session(target: Pool | PoolClient): Session {
  return {
    async query(sql: string, params: DriverParam[]): Promise<DriverResult> {
      // Always the extended protocol, as PGlite does: without parameters pg would use the simple
      // protocol, which runs several `;`-separated statements, so code passing here could break on
      // PGlite. (`queryMode` exists since pg 8.12 but is missing from @types/pg.)
      const config = { text: sql, values: params, queryMode: 'extended' } as QueryConfig;
      const result = await target.query(config);
      return { rows: result.rows, rowCount: result.rowCount ?? 0, command: result.command ?? null };
    },
    async exec(sql: string) {
      await target.query(sql);
    },
  };
}

export function openPostgresDb(options: PostgresDbOptions): Db {
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    application_name: 'chatwoot-krayin-sync',
    types: typeParsers,
  });
  // The message only: the connection string (which may hold a password) must never reach a log.
  pool.on(
    'error',
    options.onIdleClientError ??
      ((err: Error) => console.warn(`store: idle Postgres connection failed: ${err.message}`)),
  );

  let ended: Promise<void> | undefined;
  return createDb({
    engine: 'postgres',
    shared: session(pool),
    lease: async () => {
      const client = await pool.connect();
      return { session: session(client), release: (broken) => client.release(broken) };
    },
    // Idempotent: shutdown paths may close twice, and pg throws on a second end().
    close: () => (ended ??= pool.end()),
  });
}
