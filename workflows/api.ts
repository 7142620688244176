import type { KrayinActivityRef } from './krayin-poll-api';
/**
 * The contact workflow's public API, in one place: its id and task queues, the one event type, its
 * input and carried state, its outcomes and status, park reasons, signals and queries. Imported by the
 * ingest side and the CLI (to start, signal and query it), by the store (ParkReason, held events) and
 * by the workflow bundle, so it must stay free of Node I/O.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** `contact:<connection>:<chatwootContactId>`: ids only, never PII (see docs/architecture.md). */
export function contactWorkflowId(connectionId: string, contactId: number): string {
  return `contact:${connectionId}:${contactId}`;
}

/** Krayin-calling activities run on their own per-connection queue (rate-limited by the worker). */
export function krayinTaskQueue(baseTaskQueue: string, connectionId: string): string {
  return `${baseTaskQueue}.krayin.${connectionId}`;
}

/**
 * One accepted Chatwoot webhook for one contact: ids and event names only, never contact data (the
 * workflow re-reads current state from the Chatwoot API; payloads are stale and unordered anyway).
 * The same shape is dispatched by ingest, held in the store while a connection is disabled, and
 * delivered by catch-up.
 */
export interface ContactEvent {
  connectionId: string;
  contactId: number;
  /** X-Chatwoot-Delivery, or `sha256:<hex of the raw body>` when Chatwoot sent none. */
  deliveryId: string;
  /** Chatwoot event name, e.g. "contact_updated". */
  event: string;
  /** ISO time ingest received the delivery. */
  receivedAt: string;
  /**
   * contact_updated: ISO time of the save in Chatwoot (its changed_attributes updated_at, never later
   * than receivedAt); absent when the webhook did not say. Two-way sync's Chatwoot change time.
   */
  changedAt?: string;
  /** Conversation display_id, for conversation_* and message_* events. */
  conversationId?: number;
  messageId?: number;
}

/** What the `contactEvent` signal carries: the event without its routing (the workflow id has it). */
export type ContactEventSignalPayload = Omit<ContactEvent, 'connectionId' | 'contactId'>;

export function signalPayloadOf(e: ContactEvent): ContactEventSignalPayload {
  return {
    deliveryId: e.deliveryId,
    event: e.event,
    receivedAt: e.receivedAt,
    ...(e.changedAt === undefined ? {} : { changedAt: e.changedAt }),
    ...(e.conversationId === undefined ? {} : { conversationId: e.conversationId }),
    ...(e.messageId === undefined ? {} : { messageId: e.messageId }),
  };
}

/** Why a contact is parked (or failed): PII-free, stored and shown by `status` and the UI. */
export interface ParkReason {
  kind: 'validation' | 'auth' | 'mapping' | 'ambiguous' | 'not_found' | 'config' | 'internal';
  /** Human-readable, PII-free: field names and Krayin messages, never values. */
  message: string;
  /** Krayin field errors (field -> messages), when the reason is a 422. */
  fieldErrors?: Record<string, string[]>;
  /** Route template of the failing Krayin call, e.g. "POST /contacts/persons". */
  endpoint?: string;
}

/**
 * The workflow's timings. Read live from the worker's connection config (the `connectionSettings`
 * local activity) at the start of each run and after each wake; runs started before that carried
 * them in their input.
 */
export interface ContactSyncSettings {
  /** Quiet period that coalesces a burst into one sync. */
  debounceMs: number;
  /** Upper bound on how long a continuous burst can postpone the sync. */
  maxDebounceMs: number;
  /** Close the run after this long without events (the next event starts a new run). */
  idleCloseMs: number;
  /** startToClose timeout of one Krayin activity attempt (a killed worker's attempt is retried after it). */
  activityTimeoutMs: number;
  /** Two-way sync is on for the connection (absent: off). */
  twoWay?: boolean;
}

/** State carried across continue-as-new (and nothing else: the store holds the rest). */
export interface CarriedState {
  recentDeliveries: string[];
  pending: boolean;
  retryRequested: boolean;
  parkReason: ParkReason | null;
  syncStatus: ContactSyncStatus['syncStatus'];
  lastOutcome: SyncOutcome | null;
  /** Counters for the status query, so they read the same across continue-as-new. */
  syncCount: number;
  eventsReceived: number;
  duplicatesIgnored: number;
  /** Conversations with events not synced yet (optional: older runs carried none). */
  dirtyConversations?: number[];
  /** Krayin records last seen linked, for the Temporal UI's current details (optional: older runs carried none). */
  krayinIds?: { personId: number | null; leadId: number | null; organizationId: number | null };
  /** Pending work includes more than backfill events (optional: older runs carried none; then pending = live). */
  livePending?: boolean;
  /** Two-way sync (optional: only runs that received a Krayin change or decided a conflict carry it). */
  twoWay?: {
    status: TwoWayStatus;
    krayinPersonUpdatedAt: string | null;
    chatwootChangedAt: string | null;
    /** A Krayin lead change waiting for the next round (absent in runs before CRM facts were wired). */
    krayinLeadId?: number | null;
    /** CRM_ACTIVITY_NOTES: Krayin activities waiting to be noted (absent in runs before they were). */
    krayinActivities?: KrayinActivityRef[];
  };
}

/** A conflict a field's owner decided, as the status query shows it: both values and the winner. */
export interface ConflictView {
  field: 'name' | 'email' | 'phone' | 'job_title' | 'organization';
  owner: 'chatwoot' | 'krayin' | 'newest';
  winner: 'chatwoot' | 'krayin';
  chatwoot: string | null;
  krayin: string | null;
  /** When it was decided (ISO). */
  at: string;
}

/** The two-way sync's part of the status query (docs/two-way-sync.md). */
export interface TwoWayStatus {
  /** Changes the Krayin poll handed to this contact (persons and leads). */
  krayinChanges: number;
  /** Of those, lead changes (not brought back to Chatwoot yet). */
  krayinLeadChanges: number;
  /** The last decided conflicts, oldest first. */
  conflicts: ConflictView[];
}

export interface ContactSyncInput {
  connectionId: string;
  contactId: number;
  /**
   * Only in inputs of runs started before settings were read live (kept so their histories replay
   * and their continue-as-new inputs are still accepted). New starts leave it out.
   */
  settings?: ContactSyncSettings;
  carried?: CarriedState;
}

export type SyncOutcome =
  | {
      kind: 'synced';
      personId: number;
      leadId: number | null;
      organizationId: number | null;
      /** Conversations whose activity was written in this sync (absent when none). */
      conversationsSynced?: number;
    }
  | { kind: 'unchanged'; conversationsSynced?: number }
  | { kind: 'skipped'; note: string }
  | { kind: 'gone' }
  | { kind: 'parked'; reason: ParkReason }
  | { kind: 'failed'; reason: ParkReason };

export interface ContactSyncStatus {
  connectionId: string;
  contactId: number;
  status: 'idle' | 'waiting' | 'syncing';
  syncStatus: 'pending' | 'synced' | 'parked' | 'failed' | 'skipped';
  parkReason: ParkReason | null;
  lastOutcome: SyncOutcome | null;
  syncCount: number;
  eventsReceived: number;
  duplicatesIgnored: number;
  /** Present once the contact took part in two-way sync. */
  twoWay?: TwoWayStatus;
}

export const contactEventSignal = defineSignal<[ContactEventSignalPayload]>('contactEvent');
/** Resume a parked (or failed) sync now, even without new data. */
export const retrySignal = defineSignal<[{ requestedBy?: string }?]>('retry');
export const statusQuery = defineQuery<ContactSyncStatus>('status');

/**
 * What an agent asked for in the CRM panel inside Chatwoot (src/chatwoot-app), run by the contact's
 * workflow between its syncs. `noteId` is unique per request (the Krayin write's idempotency marker).
 * The note's text is contact-related content: it lives in the history like activity inputs do
 * (encrypted when payload encryption is on), never in ids, search attributes or logs.
 */
export type AgentAction =
  | { kind: 'add_note'; noteId: string; text: string; requestedBy: string }
  /** Forward only (checked again when it runs): never backwards, never out of won or lost. */
  | { kind: 'move_stage'; stageId: number; requestedBy: string; anyStage?: boolean }
  /** A lead for a contact that has none (find-or-create: never a second lead). Since 'chatwoot-app-create-lead'. */
  | { kind: 'create_lead'; requestedBy: string };
export const agentActionSignal = defineSignal<[AgentAction]>('agentAction');

/** How many delivery ids a run remembers for dedupe (the store dedupes across runs). */
export const RECENT_DELIVERIES_LIMIT = 500;
