/**
 * Group commit: concurrent callers' items are written together, one write (one transaction) per batch.
 * While a write is in flight, new items wait and go out together in the next one, so under load the
 * batch grows by itself and the cost per item falls; when idle, an item is written at once (no timer,
 * no added latency). Each caller's promise settles with its batch: resolved after the write committed,
 * rejected when it failed.
 */
export interface GroupCommitOptions<T, R> {
  /** Writes the batch; may return one result per item, in order (each caller gets its own). */
  write(items: T[]): Promise<readonly R[] | void>;
  /** Largest batch per write (a bound on one statement's size). */
  maxBatch?: number;
  /** Writes in flight at once (1 keeps batches largest; Postgres gains from 2 when commits are slow). */
  maxInFlight?: number;
}

interface Pending<T, R> {
  item: T;
  resolve(result: R | undefined): void;
  reject(err: unknown): void;
}

export class GroupCommit<T, R = void> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  /** Batches written and items in them, for the benchmark and metrics. */
  readonly stats = { batches: 0, items: 0, largest: 0 };

  constructor(private readonly opts: GroupCommitOptions<T, R>) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxInFlight = opts.maxInFlight ?? 1;
  }

  submit(item: T): Promise<R | undefined> {
    return new Promise<R | undefined>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      this.stats.batches += 1;
      this.stats.items += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      this.opts
        .write(batch.map((p) => p.item))
        .then(
          (results) => batch.forEach((p, i) => p.resolve(results ? results[i] : undefined)),
          (err: unknown) => batch.forEach((p) => p.reject(err)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
