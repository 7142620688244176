/**
 * INGEST_MODE=log: an accepted webhook is durable once its row is committed to the store's inbound log.
 * Concurrent webhooks share one INSERT and one COMMIT (group commit), so the cost per webhook falls as
 * the load grows; the forwarder (forwarder.ts) hands the rows to Temporal afterwards. Beyond
 * `maxEvents` waiting rows, webhooks are refused with 503 `inbound_log_full` rather than growing the
 * log without end while Temporal is away.
 */
import type { ConnectionConfig } from '../config/schema';
import type { ContactEvent, EventDispatcher } from '../ingest/types';
import type { Store } from '../store/types';
import { InboundStoreError, IngestUnavailableError } from './errors';
import { GroupCommit } from './group-commit';

export interface InboundLogDispatcherOptions {
  inbound: Store['inbound'];
  /** Bound on waiting events (all connections). */
  maxEvents: number;
  /** Called after each committed batch (wakes the forwarder of this process). */
  onAppended?: () => void;
  /** How often the waiting count is re-read from the store (other replicas append and forward too). */
  recountMs?: number;
}

export class InboundLogDispatcher implements EventDispatcher {
  private readonly commits: GroupCommit<ContactEvent>;
  /** Waiting events as last counted in the store, plus what this process appended since. */
  private waiting = 0;
  private recount: NodeJS.Timeout | null = null;

  constructor(private readonly opts: InboundLogDispatcherOptions) {
    this.commits = new GroupCommit<ContactEvent>({
      write: async (events) => {
        await opts.inbound.append(events);
        this.waiting += events.length;
        opts.onAppended?.();
      },
    });
  }

  /** Reads the waiting count now and then every `recountMs`; call once before serving. */
  async start(): Promise<void> {
    await this.refreshCount();
    this.recount = setInterval(() => void this.refreshCount().catch(() => undefined), this.opts.recountMs ?? 2_000);
    this.recount.unref();
  }

  stop(): void {
    if (this.recount) clearInterval(this.recount);
    this.recount = null;
  }

  /** Batches written and webhooks in them (the benchmark prints the average batch). */
  get stats(): Readonly<{ batches: number; items: number; largest: number }> {
    return this.commits.stats;
  }

  /** The forwarder of this process removed `n` rows. */
  forwarded(n: number): void {
    this.waiting = Math.max(0, this.waiting - n);
  }

  async dispatch(e: ContactEvent, connection: ConnectionConfig): Promise<void> {
    if (e.connectionId !== connection.id) {
      throw new Error(`event of connection "${e.connectionId}" dispatched as "${connection.id}"`);
    }
    if (this.waiting >= this.opts.maxEvents) throw new IngestUnavailableError('inbound_log_full');
    try {
      await this.commits.submit(e);
    } catch (err) {
      // Named, so the operator's alert says the store failed (not Temporal, which is not involved here).
      throw new InboundStoreError(err);
    }
  }

  private async refreshCount(): Promise<void> {
    this.waiting = await this.opts.inbound.count();
  }
}
