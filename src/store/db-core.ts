/**
 * The engine-independent half of a Db: parameter checks, transactions, savepoints and the guard against
 * using the outer Db inside its own transaction. Adapters only supply a Driver: how to run a statement
 * and how to get a connection of one's own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db, DbEngine, QueryResult } from './db';
import { toDriverParams, type DriverParam } from './db-params';

export interface DriverResult {
  rows: Record<string, unknown>[];
  rowCount: number;
  /** Command tag verb, e.g. "INSERT", "COMMIT", "ROLLBACK". */
  command: string | null;
}

/** One connection's worth of operations. */
export interface Session {
  query(sql: string, params: DriverParam[]): Promise<DriverResult>;
  exec(sql: string): Promise<void>;
}

export interface Lease {
  session: Session;
  /** `broken`: the connection is in an unknown state and must not be reused. */
  release(broken: boolean): void;
}

export interface Driver {
  engine: DbEngine;
  /** Statements outside any transaction. */
  shared: Session;
  /** A connection for the caller alone, for a transaction. */
  lease(): Promise<Lease>;
  close(): Promise<void>;
}

async function run<T>(session: Session, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
  const { rows, rowCount } = await session.query(sql, toDriverParams(params));
  return { rows: rows as T[], rowCount };
}

function closeTransactionHandle(): Promise<never> {
  return Promise.reject(new Error('close() called on a transaction handle; close the Db that opened it'));
}

function transactionHandle(engine: DbEngine, session: Session, depth: number): Db {
  const tx: Db = {
    engine,
    query: (sql, params) => run(session, sql, params),
    exec: (sql) => session.exec(sql),
    transaction: (fn) => withSavepoint(tx, depth + 1, () => fn(transactionHandle(engine, session, depth + 1))),
    close: closeTransactionHandle,
  };
  return tx;
}

/** A nested transaction: an inner failure rolls back only the inner work. Names are generated, never input. */
async function withSavepoint<T>(tx: Db, depth: number, fn: () => Promise<T>): Promise<T> {
  const name = `cks_savepoint_${depth}`;
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}

export function createDb(driver: Driver): Db {
  // Marks the async context of a running transaction callback; `open` is cleared when it ends, so work
  // the callback left running in the background may use the Db afterwards.
  const scope = new AsyncLocalStorage<{ open: boolean }>();
  const assertNotInOwnTransaction = () => {
    if (scope.getStore()?.open) {
      throw new Error('Db used inside its own transaction() callback: use the `tx` handle it was given');
    }
  };

  return {
    engine: driver.engine,
    query: async (sql, params) => {
      assertNotInOwnTransaction();
      return run(driver.shared, sql, params);
    },
    exec: async (sql) => {
      assertNotInOwnTransaction();
      await driver.shared.exec(sql);
    },
    transaction: async (fn) => {
      assertNotInOwnTransaction();
      const lease = await driver.lease();
      const token = { open: true };
      let broken = false;
      try {
        await lease.session.query('BEGIN', []);
        const result = await scope.run(token, () => fn(transactionHandle(driver.engine, lease.session, 0)));
        token.open = false;
        const commit = await lease.session.query('COMMIT', []);
        // Postgres answers COMMIT of an aborted transaction with ROLLBACK, not an error: a caller that
        // caught a failed statement inside the transaction would otherwise believe its writes landed.
        if (commit.command === 'ROLLBACK') {
          throw new Error('transaction was aborted by an earlier error and rolled back at COMMIT');
        }
        return result;
      } catch (err) {
        await lease.session.query('ROLLBACK', []).catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        token.open = false;
        lease.release(broken);
      }
    },
    close: async () => {
      assertNotInOwnTransaction();
      await driver.close();
    },
  };
}
