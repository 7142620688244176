/**
 * Hands the inbound log's events to Temporal (INGEST_MODE=log). Rounds: read the oldest events, group
 * them by contact, signalWithStart each contact's events in order of arrival (contacts in parallel up
 * to `concurrency`), then delete the rows Temporal accepted. A failure stops that contact's round (its
 * later events stay behind it, so the order holds) and the next round retries with backoff: Temporal
 * being down delays events, it never loses them. A crash between a signal and the delete sends that
 * event again after restart with the same delivery id, which the contact workflow ignores as a
 * duplicate (workflows/contact-state.ts keeps the delivery ids it has seen, workflows/delivery-deduper.ts).
 *
 * One forwarder drains at a time across ingest replicas (a lease row in the store, renewed a third
 * into its life, also in the middle of a long round, e.g. while Temporal answers slowly); the others
 * wait and take over when the holder stops renewing. A holder that lost the lease mid-round stops
 * signalling at once, so two replicas never forward the same contact's events side by side.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionConfig } from '../config/schema';
import type { ContactEvent, EventDispatcher, IngestLogger } from '../ingest/types';
import type { InboundEvent, Store } from '../store/types';

export const FORWARDER_LEASE = 'inbound-forwarder';

export interface ForwarderOptions {
  inbound: Store['inbound'];
  /** The direct dispatcher: signalWithStart on the contact's workflow. */
  temporal: EventDispatcher;
  connections: readonly ConnectionConfig[];
  logger: IngestLogger;
  /** signalWithStart calls in flight (different contacts). */
  concurrency: number;
  /** Events read per round. */
  batchSize?: number;
  /** Lease duration; renewed every round. */
  leaseMs?: number;
  /** Longest sleep when the log is empty (a local append wakes the forwarder at once). */
  idlePollMs?: number;
  /** Longest backoff after a failed round. */
  maxBackoffMs?: number;
  /** Rows removed after Temporal accepted them. */
  onForwarded?: (n: number) => void;
}

export interface RoundResult {
  forwarded: number;
  failed: number;
}

export class InboundForwarder {
  readonly holder = `forwarder-${randomUUID()}`;
  private readonly connections: Map<string, ConnectionConfig>;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  /** When this holder last claimed or renewed the lease (0: not held). */
  private leaseRenewedAt = 0;
  /** A renewal in flight, shared by the round's lanes. */
  private renewing: Promise<boolean> | null = null;
  /** Events handed to Temporal and failed attempts since start (benchmark, tests). */
  readonly stats = { forwarded: 0, failures: 0, rounds: 0 };

  constructor(private readonly opts: ForwarderOptions) {
    this.connections = new Map(opts.connections.map((c) => [c.id, c]));
  }

  /** Settings changed without a restart: forward for exactly these connections from now on. */
  setConnections(connections: readonly ConnectionConfig[]): void {
    this.connections.clear();
    for (const c of connections) this.connections.set(c.id, c);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** An event was appended in this process: forward now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Finishes the round in progress, then gives up the lease so another replica can take over at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake();
    await this.loop;
    await this.opts.inbound.releaseLease(FORWARDER_LEASE, this.holder).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const leaseMs = this.leaseMs();
    let backoffMs = 0;
    let warned = false;
    while (!this.stopped) {
      this.woken = false;
      let result: RoundResult;
      try {
        if (!(await this.holdLease(this.leaseRenewedAt))) {
          await this.sleep(leaseMs / 3);
          continue;
        }
        result = await this.round();
      } catch (err) {
        this.opts.logger.warn({ errorName: errorName(err) }, 'inbound log unreadable; retrying');
        result = { forwarded: 0, failed: 1 };
      }
      if (result.failed > 0) {
        if (!warned)
          this.opts.logger.warn({ failed: result.failed }, 'Temporal refused events; they wait in the inbound log');
        warned = true;
        backoffMs = Math.min(Math.max(backoffMs * 2, 100), this.opts.maxBackoffMs ?? 5_000);
        await this.sleep(backoffMs);
      } else {
        if (warned) this.opts.logger.info({}, 'Temporal accepts events again; forwarding the inbound log');
        warned = false;
        backoffMs = 0;
        if (result.forwarded === 0) await this.sleep(this.opts.idlePollMs ?? 1_000);
      }
    }
  }

  /** One round (exposed for tests): forwards up to `batchSize` events. Call with the lease held. */
  async round(): Promise<RoundResult> {
    this.stats.rounds += 1;
    const roundStartedAt = Date.now();
    const events = await this.opts.inbound.oldest([...this.connections.keys()], this.opts.batchSize ?? 1_000);
    if (events.length === 0) return { forwarded: 0, failed: 0 };
    const done: number[] = [];
    let failed = 0;
    let leaseLost = false;
    await forEachLimited(byContact(events), this.opts.concurrency, async (contactEvents) => {
      for (const e of contactEvents) {
        // A long round renews the lease as it goes; once lost, nothing more is signalled (what is left
        // stays in the log for the new holder, in order).
        if (leaseLost || !(await this.holdLease(Math.max(this.leaseRenewedAt, roundStartedAt)))) {
          leaseLost = true;
          return;
        }
        try {
          await this.opts.temporal.dispatch(contactEvent(e), this.connections.get(e.connectionId)!);
          done.push(e.seq);
        } catch {
          failed += 1;
          return; // this contact's later events wait behind it: order per contact holds
        }
      }
    });
    await this.opts.inbound.remove(done);
    this.stats.forwarded += done.length;
    this.stats.failures += failed;
    this.opts.onForwarded?.(done.length);
    return { forwarded: done.length, failed };
  }

  private leaseMs(): number {
    return this.opts.leaseMs ?? 30_000;
  }

  /**
   * true while this forwarder holds the lease: renewed when more than a third of it has passed since
   * `since` (not every round: an idle forwarder writes nothing). Concurrent callers share one renewal.
   */
  private async holdLease(since: number): Promise<boolean> {
    const leaseMs = this.leaseMs();
    if (Date.now() - since <= leaseMs / 3) return true;
    this.renewing ??= this.opts.inbound
      .claimLease(FORWARDER_LEASE, this.holder, leaseMs)
      .then((held) => {
        this.leaseRenewedAt = held ? Date.now() : 0;
        return held;
      })
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}

/** Events grouped by contact workflow, each group in order of arrival. */
function byContact(events: readonly InboundEvent[]): InboundEvent[][] {
  const groups = new Map<string, InboundEvent[]>();
  for (const e of events) {
    const key = `${e.connectionId}\u0000${e.contactId}`;
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()];
}

function contactEvent(e: InboundEvent): ContactEvent {
  const { seq: _seq, ...event } = e;
  return event;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

function errorName(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'Error';
}
