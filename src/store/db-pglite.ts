/**
 * `Db` over PGlite: real Postgres (17) in WASM, run in a worker thread of this process (see
 * pglite-worker-source.ts for why). One connection, so statements are serialized here and a
 * transaction holds the connection until it ends.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from './db';
import { createDb, type DriverResult, type Session } from './db-core';
import type { DriverParam } from './db-params';
import { lockDataDir } from './pglite-dir-lock';
import { PgliteWorkerClient, type RawResult } from './pglite-worker-client';
import { parserFor } from './type-parsers';

export interface PgliteDbOptions {
  /** Directory holding the database files (created when missing); omit for a throw-away in-memory database. */
  dataDir?: string;
  /**
   * Start a NEW database from a tarball written by `dumpDataDir` instead of running initdb (seconds).
   * Ignored when `dataDir` already holds a database. Tests use it; production has no need.
   */
  seedFile?: string;
}

export interface PgliteDb extends Db {
  /** Writes the data directory as a tarball (a seed for `seedFile`); waits for running statements. */
  dumpDataDir(file: string): Promise<void>;
}

async function holdsDatabase(dataDir: string): Promise<boolean> {
  return stat(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

/** FIFO lock: the next holder starts when the previous one releases. */
class Mutex {
  private last: Promise<void> = Promise.resolve();

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.last;
    this.last = previous.then(() => next);
    await previous;
    return release;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** Row objects built here, with the shared parsers: identical to what the pg adapter returns. */
function toDriverResult(raw: RawResult): DriverResult {
  const parsers = raw.fields.map((field) => parserFor(field.dataTypeID));
  const rows = raw.rows.map((values) => {
    const row: Record<string, unknown> = {};
    raw.fields.forEach((field, i) => {
      const text = values[i];
      row[field.name] = text === null || text === undefined ? null : parsers[i]!(text);
    });
    return row;
  });
  return { rows, rowCount: raw.rowCount, command: raw.command };
}

function session(client: PgliteWorkerClient, serialize: <T>(fn: () => Promise<T>) => Promise<T>): Session {
  return {
    query: (sql: string, params: DriverParam[]) =>
      serialize(async () => toDriverResult(await client.query(sql, params))),
    exec: (sql: string) => serialize(() => client.exec(sql)),
  };
}

export async function openPgliteDb(options: PgliteDbOptions = {}): Promise<PgliteDb> {
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const unlock = dataDir ? await lockDataDir(dataDir) : async () => undefined;
  const isNew = !(dataDir && (await holdsDatabase(dataDir)));
  const seedFile = options.seedFile && isNew ? path.resolve(options.seedFile) : undefined;
  const client = new PgliteWorkerClient({ pgliteModule: require.resolve('@electric-sql/pglite'), dataDir, seedFile });
  try {
    // Surfaces start-up failures (corrupt or locked data dir) here rather than on the first query.
    await client.query('SELECT 1', []);
  } catch (err) {
    await client.close().catch(() => undefined);
    await unlock();
    throw err;
  }

  const mutex = new Mutex();
  const db = createDb({
    engine: 'pglite',
    shared: session(client, (fn) => mutex.run(fn)),
    lease: async () => {
      const release = await mutex.acquire();
      // The lease holder has the connection to itself: its statements skip the lock it holds.
      return { session: session(client, (fn) => fn()), release: () => release() };
    },
    close: () =>
      mutex.run(async () => {
        try {
          await client.close();
        } finally {
          await unlock();
        }
      }),
  });
  return { ...db, dumpDataDir: (file) => mutex.run(() => client.dump(path.resolve(file))) };
}
