/**
 * The backfill workflow's public surface: id, input, cursor, outcome counts, progress query, cancel
 * signal. Imported by the workflow bundle, the activities and the CLI, so it must stay free of Node I/O.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** The task queue every install uses unless TEMPORAL_TASK_QUEUE says otherwise. */
const DEFAULT_TASK_QUEUE = 'chatwoot-krayin-sync';

/**
 * `backfill:<connection>`: one backfill per connection at a time. Installs that share a namespace keep
 * apart by task queue: a non-default one is part of the id (like the reconcile schedules).
 */
export function backfillWorkflowId(connectionId: string, taskQueue: string): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? `backfill:${connectionId}` : `backfill:${taskQueue}:${connectionId}`;
}

/**
 * What happened to one contact (or, in a dry run, what would happen):
 * - created: a new Krayin person; linked: an existing Krayin person found by email or phone;
 * - updated: already linked, something written; unchanged: already in sync, no Krayin call;
 * - skipped: not synced by policy (e.g. no email); invalid: parked on a validation or mapping problem
 *   (dry run: would fail validation); failed: parked or failed for another reason.
 */
export type BackfillOutcome = 'created' | 'linked' | 'updated' | 'unchanged' | 'skipped' | 'invalid' | 'failed';

export const BACKFILL_OUTCOMES: readonly BackfillOutcome[] = [
  'created',
  'linked',
  'updated',
  'unchanged',
  'skipped',
  'invalid',
  'failed',
];

/** How a contact was linked to an existing Krayin person. */
export type LinkKey = 'email' | 'phone';

export interface BackfillCounts {
  created: number;
  linked: number;
  updated: number;
  unchanged: number;
  skipped: number;
  invalid: number;
  failed: number;
  /** Of `linked`: by which key (a dry run always knows; a backfill when the sync's audit entry names it). */
  linkedByEmail: number;
  linkedByPhone: number;
  /** Contacts listed (the progress bar's "done" is the sum of the outcomes above). */
  listed: number;
  /** Contacts handed to their workflow (the others were already in sync, or a dry run). */
  dispatched: number;
  /** Conversations handed to their contact's workflow (--conversations). */
  conversationsSent: number;
}

export const ZERO_BACKFILL_COUNTS: BackfillCounts = {
  created: 0,
  linked: 0,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  invalid: 0,
  failed: 0,
  linkedByEmail: 0,
  linkedByPhone: 0,
  listed: 0,
  dispatched: 0,
  conversationsSent: 0,
};

/** One example of an outcome: ids and a PII-free reason only (it lives in workflow history). */
export interface BackfillExample {
  contactId: number;
  reason: string;
}

export type BackfillExamples = Partial<Record<BackfillOutcome, BackfillExample[]>>;

/** Examples kept per outcome (the dry run's plan shows them). */
export const EXAMPLES_PER_OUTCOME = 20;

/** A contact handed to its workflow whose outcome is not recorded yet. */
export interface InFlightContact {
  contactId: number;
  /** Settle calls this contact has waited through (after many, its stored state is read instead). */
  rounds?: number;
}

export type BackfillPhase = 'contacts' | 'conversations' | 'done';

/** Where a backfill is: carried across continue-as-new, so a restart resumes where it stopped. */
export interface BackfillCursor {
  /** Makes the delivery ids (`backfill:<runKey>:<contact>`): a re-sent page is deduped by the contact workflow. */
  runKey: string;
  /** ISO, workflow time when the backfill began (the rate and ETA are measured from it). */
  startedAt: string;
  /** Outcomes recorded after this audit-log id belong to this backfill (read once, at the start). */
  auditWatermark: number;
  phase: BackfillPhase;
  /** Next Chatwoot page (1-based) of the current phase. */
  page: number;
  /** Chatwoot's contact count at the start (meta.count), for done/total. */
  total: number;
  inFlight: InFlightContact[];
  counts: BackfillCounts;
  examples: BackfillExamples;
  cancelRequested: boolean;
}

export interface BackfillInput {
  connectionId: string;
  /** Only contacts created on or after this day (YYYY-MM-DD, UTC). */
  since?: string;
  /** Also hand each contact's conversations to its workflow (they become Krayin activities). */
  conversations?: boolean;
  /** Write nothing: classify every contact and return the plan. */
  dryRun?: boolean;
  /** Contacts handed over and not finished yet, at most (default BACKFILL_WINDOW). */
  window?: number;
  cursor?: BackfillCursor;
  /** Activity calls per run before continue-as-new (default in workflows/backfill.ts; tests make it small). */
  stepsPerRun?: number;
}

/** Default bounded window of contacts in flight. */
export const BACKFILL_WINDOW = 30;

export interface BackfillProgress {
  connectionId: string;
  dryRun: boolean;
  phase: BackfillPhase;
  /** Contacts with an outcome (sum of the outcome counts). */
  done: number;
  total: number;
  inFlight: number;
  /** Contacts per minute since the start. */
  ratePerMin: number;
  /** Seconds left at that rate (null until something is done). */
  etaSeconds: number | null;
  counts: BackfillCounts;
  examples: BackfillExamples;
  startedAt: string;
  cancelled: boolean;
  /** Set when nothing was done: the connection is switched off (`disable`). */
  skipped?: 'connection_disabled';
}

export const backfillProgressQuery = defineQuery<BackfillProgress>('progress');
/** Stop listing contacts; the ones already handed over finish their sync, then the backfill ends. */
export const backfillCancelSignal = defineSignal('cancel');

/** Contacts with an outcome. */
export function doneOf(c: BackfillCounts): number {
  return c.created + c.linked + c.updated + c.unchanged + c.skipped + c.invalid + c.failed;
}

/** Rate (contacts/min) and ETA (s) from what is done, the total and the elapsed time. Pure. */
export function rateAndEta(
  done: number,
  total: number,
  elapsedMs: number,
): { ratePerMin: number; etaSeconds: number | null } {
  if (done <= 0 || elapsedMs <= 0) return { ratePerMin: 0, etaSeconds: null };
  const perMs = done / elapsedMs;
  return {
    ratePerMin: Math.round(perMs * 60_000 * 10) / 10,
    etaSeconds: Math.max(0, Math.round((total - done) / perMs / 1000)),
  };
}

/** Adds one contact's outcome to the counts and (up to the limit) the examples. Pure. */
export function addOutcome(
  counts: BackfillCounts,
  examples: BackfillExamples,
  r: { contactId: number; outcome: BackfillOutcome; reason: string; linkKey?: LinkKey },
): { counts: BackfillCounts; examples: BackfillExamples } {
  const next = { ...counts, [r.outcome]: counts[r.outcome] + 1 };
  if (r.outcome === 'linked' && r.linkKey === 'email') next.linkedByEmail++;
  if (r.outcome === 'linked' && r.linkKey === 'phone') next.linkedByPhone++;
  const list = examples[r.outcome] ?? [];
  if (list.length >= EXAMPLES_PER_OUTCOME || r.outcome === 'unchanged') return { counts: next, examples };
  return {
    counts: next,
    examples: { ...examples, [r.outcome]: [...list, { contactId: r.contactId, reason: r.reason }] },
  };
}
