import type { ContactEvent } from '../../workflows/api';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import type { KrayinPollHints } from './krayin-hint-route';

/** What ingest hands on for one accepted webhook: the contact workflow's one event type. */
export type { ContactEvent } from '../../workflows/api';

export interface EventDispatcher {
  /**
   * Resolves once the event is durable (e.g. signalWithStart returned). Rejects otherwise. The caller
   * passes the connection it already resolved the event for (no second lookup by id).
   */
  dispatch(e: ContactEvent, connection: ConnectionConfig): Promise<void>;
}

export interface DeliveryRecorder {
  /** true when the delivery id is new for this connection, false for a duplicate. */
  record(connectionId: string, deliveryId: string, event: string, contactId: number | null): Promise<boolean>;
  /**
   * Optional: undo `record` when the dispatch then failed, so that a redelivery with the same id
   * (Chatwoot PR #15952 would retry with it) is not mistaken for a duplicate of a lost event.
   */
  forget?(connectionId: string, deliveryId: string): Promise<void>;
}

export interface ReadinessReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export interface IngestLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

/** Runtime on/off switch of a connection (the admin API's disable/enable), on top of its config. */
export interface ConnectionSwitch {
  isEnabled(connectionId: string): Promise<boolean>;
  /** A verified, valid event arrived while the connection was disabled: count it and hold it for catch-up. */
  recordIgnored?(event: ContactEvent): Promise<void>;
}

export interface WebhookObservation {
  connection: string;
  outcome: 'accepted' | 'duplicate' | 'held' | 'ignored' | 'rejected';
  reason?: string;
  durationSeconds: number;
}

/** One request to POST /webhooks/krayin/... (the Krayin hint route), for metrics. */
export interface KrayinHintObservation {
  /** The connection of the URL when configured, else "unknown". */
  connection: string;
  /** accepted: the poll was signalled; coalesced: merged into the next signal; ignored: connection disabled. */
  outcome: 'accepted' | 'coalesced' | 'ignored' | 'rejected';
  /** Why it was rejected or ignored (the answer's `reason`); omitted otherwise. */
  reason?: string;
}

export interface IngestDeps {
  config: AppConfig;
  dispatcher: EventDispatcher;
  deliveries?: DeliveryRecorder;
  switches?: ConnectionSwitch;
  /** Called once per webhook request when its answer is sent (metrics). */
  observe?: (o: WebhookObservation) => void;
  readiness?: () => Promise<ReadinessReport>;
  /** Called once per Krayin hint request when its answer is sent (metrics). */
  observeHint?: (o: KrayinHintObservation) => void;
  /** Signals a connection's Krayin poll for POST /webhooks/krayin/... (absent: that endpoint answers 503). */
  krayinHints?: KrayinPollHints;
  logger?: IngestLogger;
  /** Clock for the signature window and `receivedAt`; default `new Date()`. */
  now?: () => Date;
}

/** Plain numbers (metrics come later). Keys of `ignored`/`rejected` are the reasons in the responses. */
export interface IngestCounters {
  accepted: number;
  duplicates: number;
  /** Events of a disabled connection kept for catch-up. */
  held: number;
  ignored: Record<string, number>;
  rejected: Record<string, number>;
}
