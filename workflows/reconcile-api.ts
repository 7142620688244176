/**
 * The reconciliation workflow's public surface: ids, input, progress query. Imported by the workflow
 * bundle, the schedule setup and the CLI, so it must stay free of Node I/O.
 */
import { defineQuery } from '@temporalio/workflow';

export type ReconcileMode = 'incremental' | 'full';

/** The task queue every install uses unless TEMPORAL_TASK_QUEUE says otherwise. */
const DEFAULT_TASK_QUEUE = 'chatwoot-krayin-sync';

/**
 * `reconcile:<connection>` (incremental) and `reconcile-full:<connection>` (daily full pass). Ids only,
 * never PII. Installs that share a namespace keep apart by task queue: a non-default one is part of the id.
 */
export function reconcileScheduleId(connectionId: string, mode: ReconcileMode, taskQueue: string): string {
  const prefix = mode === 'full' ? 'reconcile-full' : 'reconcile';
  return taskQueue === DEFAULT_TASK_QUEUE ? `${prefix}:${connectionId}` : `${prefix}:${taskQueue}:${connectionId}`;
}

/** A run started from the CLI: one at a time per connection and mode (a second `reconcile` follows it). */
export function manualReconcileWorkflowId(connectionId: string, mode: ReconcileMode, taskQueue: string): string {
  return `${reconcileScheduleId(connectionId, mode, taskQueue)}:manual`;
}

export interface ReconcileCounts {
  /** Chatwoot list pages read (contacts and conversations). */
  pages: number;
  contactsSeen: number;
  conversationsSeen: number;
  /** Contacts handed to their workflow because they differ from what was last synced. */
  contactsSent: number;
  /** Conversations handed to their contact's workflow because they have activity we did not see. */
  conversationsSent: number;
  /** Parked or failed contacts left for `retry-parked` or new data. */
  parkedLeft: number;
  /** Linked contacts Chatwoot answered 404 for (deleted or merged), handled by ON_CHATWOOT_DELETE. */
  goneFound: number;
  /**
   * Full pass: contacts whose linked Krayin person, lead or organization sales deleted (links dropped,
   * re-synced).
   */
  krayinDeletedFound: number;
}

export const ZERO_COUNTS: ReconcileCounts = {
  pages: 0,
  contactsSeen: 0,
  conversationsSeen: 0,
  contactsSent: 0,
  conversationsSent: 0,
  parkedLeft: 0,
  goneFound: 0,
  krayinDeletedFound: 0,
};

export type ReconcilePhase = 'contacts' | 'deletions' | 'krayin' | 'conversations' | 'done';

/** Where a pass is: carried across continue-as-new, so a restart resumes at the page it stopped. */
export interface ReconcileCursor {
  /** ISO, workflow time when the pass began (stored as the next pass's checkpoint when it completes). */
  passStartedAt: string;
  /** Incremental passes stop at items older than this (epoch seconds); null = scan everything. */
  stopBefore: number | null;
  phase: ReconcilePhase;
  /** Next list page to read (1-based) in the current phase. */
  page: number;
  /** Full pass: highest contact id listed so far (deletions are checked up to it, and after it at the end). */
  maxContactId: number;
  /** Makes the delivery ids of this pass (`reconcile:<runKey>:<contact>`): a re-sent page is deduped. */
  runKey: string;
  counts: ReconcileCounts;
  /** Full pass, phase `krayin`: which Krayin id list is paged, and the highest id covered so far. */
  krayin?: { kind: 'person' | 'lead' | 'organization'; afterId: number };
}

export interface ReconcileInput {
  connectionId: string;
  mode: ReconcileMode;
  cursor?: ReconcileCursor;
  /** Activity calls per run before continue-as-new (default STEPS_PER_RUN; tests make it small). */
  stepsPerRun?: number;
}

export interface ReconcileProgress {
  connectionId: string;
  mode: ReconcileMode;
  phase: ReconcilePhase;
  page: number;
  counts: ReconcileCounts;
  /** Set when the pass did nothing: the connection is switched off (`disable`). */
  skipped?: 'connection_disabled';
}

export const reconcileProgressQuery = defineQuery<ReconcileProgress>('progress');
