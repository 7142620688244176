/**
 * The service's Prometheus metrics on a private prom-client Registry (never the global one, so tests and
 * several services in one process do not collide). Every helper sanitises its labels (labels.ts) and
 * swallows its own errors: a metrics bug must never fail a webhook or a sync.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { KrayinCallInfo } from '../krayin/http';
import {
  NO_REASON,
  connectionLabeler,
  endpointLabel,
  rules,
  safeLabel,
  webhookReasonRule,
  type KrayinHintOutcome,
  type SyncOutcome,
  type WebhookOutcome,
} from './labels';

export const METRIC_PREFIX = 'cks_';

export interface ParkedCount {
  connectionId: string;
  count: number;
}

export interface MetricsOptions {
  /**
   * Configured connection ids; others are labelled "other". Recommended. A function is asked at each
   * observation (the connections in force, which console settings change without a restart); it should
   * hand back the same array while nothing changed.
   */
  connections?: readonly string[] | (() => readonly string[]);
  /** Counts parked syncs per connection; called on every scrape. */
  collectParked?: () => Promise<ParkedCount[]>;
  /** Counts the inbound log's waiting events (INGEST_MODE=log), all connections; called on every scrape. */
  collectInboundLog?: () => Promise<number>;
  /** A scrape does not wait longer than this for a collector (`collectParked`, `collectInboundLog`). Default 5000. */
  collectTimeoutMs?: number;
  /** Reasons beyond WEBHOOK_REASONS that may appear as labels. */
  extraReasons?: readonly string[];
  /** Endpoint labels beyond the route-template vocabulary (labels.ts). */
  extraEndpoints?: readonly string[];
  /** Node process metrics (process_*, nodejs_*). Default true. */
  defaultMetrics?: boolean;
  registry?: Registry;
}

export interface WebhookObservation {
  connection: string;
  outcome: WebhookOutcome;
  /** Ingest's reason (rejected/ignored); omitted for accepted/duplicate. */
  reason?: string;
  durationSeconds?: number;
}

export interface KrayinHintObservation {
  connection: string;
  outcome: KrayinHintOutcome;
  /** The answer's reason (rejected/ignored); omitted for accepted/coalesced. */
  reason?: string;
}

export interface SyncObservation {
  connection: string;
  outcome: SyncOutcome;
  durationSeconds?: number;
}

export interface KrayinCallObservation {
  connection: string;
  /** Route template, e.g. "POST /contacts/persons". */
  endpoint: string;
  /** HTTP status; null or "network" when no answer arrived. */
  status: number | 'network' | null;
  durationSeconds: number;
}

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  webhook(o: WebhookObservation): void;
  /** One request to the Krayin hint route (POST /webhooks/krayin/...). */
  krayinHint(o: KrayinHintObservation): void;
  sync(o: SyncObservation): void;
  krayinCall(o: KrayinCallObservation): void;
  /** A stored link named a Krayin record that belongs to someone else now (it was not written to). */
  linkMismatch(connection: string, record: 'person' | 'organization' | 'lead' | 'activity'): void;
  /** One contact's backfill outcome (created, linked, ...); `dryRun`: what would happen. */
  backfillContact(connection: string, outcome: string, dryRun: boolean): void;
  /** The inbound log's forwarder handed `n` events to Temporal (and removed them from the log). */
  inboundForwarded(n: number): void;
  /** An `onCall` hook for one connection's KrayinClient. */
  krayinCallObserver(connection: string): (call: KrayinCallInfo) => void;
  /** Prometheus text exposition. */
  render(): Promise<string>;
}

const KRAYIN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const SYNC_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

function guard(fn: () => void): void {
  try {
    fn();
  } catch {
    // Never let metrics break the code path that reports them.
  }
}

function validDuration(seconds: number | undefined): seconds is number {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = opts.registry ?? new Registry();
  const registers = [registry];
  const connection = connectionLabeler(opts.connections);
  const reasonRule = webhookReasonRule(opts.extraReasons);
  const extraEndpoints = new Set(opts.extraEndpoints ?? []);
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const webhooks = new Counter({
    name: `${METRIC_PREFIX}webhooks_total`,
    help: 'Chatwoot webhook deliveries by outcome and reason.',
    labelNames: ['connection', 'outcome', 'reason'] as const,
    registers,
  });
  const webhookDuration = new Histogram({
    name: `${METRIC_PREFIX}webhook_duration_seconds`,
    help: 'Time to answer a Chatwoot webhook (verify, parse, dispatch).',
    labelNames: ['connection', 'outcome'] as const,
    buckets: WEBHOOK_BUCKETS,
    registers,
  });
  const krayinHints = new Counter({
    name: `${METRIC_PREFIX}krayin_hints_total`,
    help: 'Krayin webhook hints (POST /webhooks/krayin/...) by outcome (accepted: the poll was signalled; coalesced: merged into a signal; ignored; rejected) and reason.',
    labelNames: ['connection', 'outcome', 'reason'] as const,
    registers,
  });
  const syncs = new Counter({
    name: `${METRIC_PREFIX}syncs_total`,
    help: 'Contact syncs by outcome.',
    labelNames: ['connection', 'outcome'] as const,
    registers,
  });
  const syncDuration = new Histogram({
    name: `${METRIC_PREFIX}sync_duration_seconds`,
    help: 'Duration of one contact sync, from plan to recorded outcome.',
    labelNames: ['connection', 'outcome'] as const,
    buckets: SYNC_BUCKETS,
    registers,
  });
  const krayinCalls = new Counter({
    name: `${METRIC_PREFIX}krayin_calls_total`,
    help: 'Krayin API calls by route template and HTTP status ("network" when no answer arrived).',
    labelNames: ['connection', 'endpoint', 'status'] as const,
    registers,
  });
  const krayinDuration = new Histogram({
    name: `${METRIC_PREFIX}krayin_call_duration_seconds`,
    help: 'Krayin API call duration by route template.',
    labelNames: ['connection', 'endpoint'] as const,
    buckets: KRAYIN_BUCKETS,
    registers,
  });
  const linkMismatches = new Counter({
    name: `${METRIC_PREFIX}link_mismatches_total`,
    help: 'Stored links whose Krayin record belongs to someone else now (Krayin restored?), by record type.',
    labelNames: ['connection', 'record'] as const,
    registers,
  });
  const backfillContacts = new Counter({
    name: `${METRIC_PREFIX}backfill_contacts_total`,
    help: 'Contacts a backfill finished, by outcome (created, linked, updated, unchanged, skipped, invalid, failed); dry_run="true": planned only.',
    labelNames: ['connection', 'outcome', 'dry_run'] as const,
    registers,
  });
  const collectErrors = new Counter({
    name: `${METRIC_PREFIX}metrics_collect_errors_total`,
    help: 'Scrape-time collectors that failed or timed out (their gauges are then absent, or NaN without labels).',
    labelNames: ['collector'] as const,
    registers,
  });
  const inboundForwarded = new Counter({
    name: `${METRIC_PREFIX}inbound_forwarded_total`,
    help: 'Events of the inbound log (INGEST_MODE=log) handed to Temporal by this process.',
    registers,
  });
  const timeoutMs = opts.collectTimeoutMs ?? 5_000;
  if (opts.collectInboundLog) {
    const collectInboundLog = opts.collectInboundLog;
    new Gauge({
      name: `${METRIC_PREFIX}inbound_log_events`,
      help: 'Accepted webhooks waiting in the inbound log (INGEST_MODE=log) to be handed to Temporal, all connections.',
      registers,
      async collect() {
        try {
          const waiting = await withTimeout(collectInboundLog(), timeoutMs);
          if (Number.isFinite(waiting) && waiting >= 0) this.set(waiting);
          else throw new Error('not a count');
        } catch {
          // NaN, not 0: a gauge without labels cannot be absent, and 0 would read as "nothing waiting".
          this.set(Number.NaN);
          collectErrors.inc({ collector: 'inbound_log_events' });
        }
      },
    });
  }
  if (opts.collectParked) {
    const collectParked = opts.collectParked;
    new Gauge({
      name: `${METRIC_PREFIX}parked_syncs`,
      help: 'Contact syncs currently parked (waiting for an operator or new data), per connection.',
      labelNames: ['connection'] as const,
      registers,
      async collect() {
        this.reset();
        try {
          const rows = await withTimeout(collectParked(), timeoutMs);
          // inc, not set: several unknown connections all fold into "other".
          for (const row of rows) {
            if (Number.isFinite(row.count) && row.count >= 0)
              this.inc({ connection: connection(row.connectionId) }, row.count);
          }
        } catch {
          this.reset();
          collectErrors.inc({ collector: 'parked_syncs' });
        }
      },
    });
  }

  const krayinCall = (o: KrayinCallObservation) =>
    guard(() => {
      const conn = connection(o.connection);
      const endpoint = endpointLabel(o.endpoint, extraEndpoints);
      const status = safeLabel(o.status ?? 'network', rules.status);
      krayinCalls.inc({ connection: conn, endpoint, status });
      if (validDuration(o.durationSeconds)) krayinDuration.observe({ connection: conn, endpoint }, o.durationSeconds);
    });

  return {
    registry,
    contentType: registry.contentType,
    webhook: (o) =>
      guard(() => {
        const conn = connection(o.connection);
        const outcome = safeLabel(o.outcome, rules.webhookOutcome);
        webhooks.inc({ connection: conn, outcome, reason: safeLabel(o.reason ?? NO_REASON, reasonRule) });
        if (validDuration(o.durationSeconds)) webhookDuration.observe({ connection: conn, outcome }, o.durationSeconds);
      }),
    krayinHint: (o) =>
      guard(() =>
        krayinHints.inc({
          connection: connection(o.connection),
          outcome: safeLabel(o.outcome, rules.krayinHintOutcome),
          reason: safeLabel(o.reason ?? NO_REASON, reasonRule),
        }),
      ),
    sync: (o) =>
      guard(() => {
        const conn = connection(o.connection);
        const outcome = safeLabel(o.outcome, rules.syncOutcome);
        syncs.inc({ connection: conn, outcome });
        if (validDuration(o.durationSeconds)) syncDuration.observe({ connection: conn, outcome }, o.durationSeconds);
      }),
    krayinCall,
    linkMismatch: (conn, record) =>
      guard(() => linkMismatches.inc({ connection: connection(conn), record: safeLabel(record, rules.recordType) })),
    backfillContact: (conn, outcome, dryRun) =>
      guard(() =>
        backfillContacts.inc({
          connection: connection(conn),
          outcome: safeLabel(outcome, rules.backfillOutcome),
          dry_run: dryRun ? 'true' : 'false',
        }),
      ),
    inboundForwarded: (n) =>
      guard(() => {
        if (Number.isFinite(n) && n > 0) inboundForwarded.inc(n);
      }),
    krayinCallObserver: (conn) => (call) =>
      krayinCall({
        connection: conn,
        endpoint: call.endpoint,
        status: call.status,
        durationSeconds: call.durationMs / 1000,
      }),
    render: () => registry.metrics(),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('collector timed out')), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
