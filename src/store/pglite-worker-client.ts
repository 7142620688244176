/** The parent side of the PGlite worker: request/response over postMessage, errors, lifecycle. */
import { Worker } from 'node:worker_threads';
import type { DriverParam } from './db-params';
import { PGLITE_WORKER_SOURCE } from './pglite-worker-source';

export interface RawResult {
  fields: { name: string; dataTypeID: number }[];
  /** Column text as Postgres sent it, or null. */
  rows: (string | null)[][];
  rowCount: number;
  command: string | null;
}

type Request =
  | { op: 'query'; sql: string; params: DriverParam[] }
  | { op: 'exec'; sql: string }
  | { op: 'dump'; file: string }
  | { op: 'close' };
type Reply = { id: number; ok: true } & Partial<RawResult>;
type Failure = { id: number; ok: false; error: { message: string } & Record<string, unknown> };

/**
 * Carries the SQLSTATE `code`, `constraint`, `detail`, ... like pg's DatabaseError, so callers can
 * handle errors the same way on both engines.
 */
export class PgliteDatabaseError extends Error {
  code?: string;
  constraint?: string;
  detail?: string;
  constructor(fields: { message: string } & Record<string, unknown>) {
    super(fields.message);
    this.name = 'DatabaseError';
    Object.assign(this, fields);
  }
}

export class PgliteWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private failure: Error | null = null;
  private readonly exited: Promise<void>;

  constructor(workerData: { pgliteModule: string; dataDir?: string; seedFile?: string }) {
    this.worker = new Worker(PGLITE_WORKER_SOURCE, { eval: true, workerData });
    // Unreferenced while idle so a forgotten close() does not keep the process alive; referenced while a
    // request is in flight so `await db.query()` at the end of a script still gets its answer.
    this.worker.unref();
    this.worker.on('message', (message: Reply | Failure) => this.settle(message));
    this.worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        this.fail(new Error(`PGlite worker stopped (exit code ${code})`));
        resolve();
      });
    });
  }

  async query(sql: string, params: DriverParam[]): Promise<RawResult> {
    const reply = await this.request({ op: 'query', sql, params });
    return {
      fields: reply.fields ?? [],
      rows: reply.rows ?? [],
      rowCount: reply.rowCount ?? 0,
      command: reply.command ?? null,
    };
  }

  async exec(sql: string): Promise<void> {
    await this.request({ op: 'exec', sql });
  }

  /** Writes the whole data directory as a tarball to `file` (atomically). */
  async dump(file: string): Promise<void> {
    await this.request({ op: 'dump', file });
  }

  /** Closes PGlite (flushing its files) and waits for the thread to end. */
  async close(): Promise<void> {
    if (!this.failure) await this.request({ op: 'close' });
    // PGlite is closed by now; terminate rather than wait for the thread's event loop to drain.
    await this.worker.terminate();
    await this.exited;
  }

  private request(request: Request): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, ...request });
    });
  }

  private settle(message: Reply | Failure): void {
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.ok) waiter.resolve(message);
    // A fresh Error of this realm: the worker's error objects do not survive postMessage as instances.
    else waiter.reject(new PgliteDatabaseError({ ...message.error }));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
