/**
 * The contact workflow's public surface: ids, input, signals, queries. Imported by the ingest side
 * (signalWithStart), the CLI and the workflow bundle, so it must stay free of Node I/O.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ParkReason } from '../store/types';

export const CONTACT_SYNC_WORKFLOW_TYPE = 'contactSync';

/** `contact:<connection>:<chatwootContactId>`: ids only, never PII (design.md §8). */
export function contactWorkflowId(connectionId: string, contactId: number): string {
  return `contact:${connectionId}:${contactId}`;
}

/** Krayin-calling activities run on their own per-connection queue (rate-limited by the worker). */
export function krayinTaskQueue(baseTaskQueue: string, connectionId: string): string {
  return `${baseTaskQueue}.krayin.${connectionId}`;
}

/** One webhook delivery, as the workflow sees it. PII-free: ids and event names only. */
export interface ContactEvent {
  deliveryId: string;
  event: string;
  receivedAt: string;
  conversationId?: number;
  messageId?: number;
}

export interface ContactSyncSettings {
  /** Quiet period that coalesces a burst into one sync. */
  debounceMs: number;
  /** Upper bound on how long a continuous burst can postpone the sync. */
  maxDebounceMs: number;
  /** Close the run after this long without events (the next event starts a new run). */
  idleCloseMs: number;
  /** startToClose timeout of one Krayin activity attempt (a killed worker's attempt is retried after it). */
  activityTimeoutMs: number;
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
}

export interface ContactSyncInput {
  connectionId: string;
  contactId: number;
  settings: ContactSyncSettings;
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
}

export const contactEventSignal = defineSignal<[ContactEvent]>('contactEvent');
/** Resume a parked (or failed) sync now, even without new data. */
export const retrySignal = defineSignal<[{ requestedBy?: string }?]>('retry');
export const statusQuery = defineQuery<ContactSyncStatus>('status');

/** How many delivery ids a run remembers for dedupe (the store dedupes across runs). */
export const RECENT_DELIVERIES_LIMIT = 500;
