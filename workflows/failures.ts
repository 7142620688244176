/**
 * THE failure table: every ApplicationFailure `type` an activity throws, whether Temporal retries it,
 * and what the contact workflow records when it ends a sync. Activities build their failures from it
 * (activities/failures.ts), the retry policies and the workflow's parking read it, and
 * docs/reliability.md lists it (a unit test keeps the three in step).
 *
 * Workflow code imports this module: no Node imports, nothing non-deterministic.
 */
import { ActivityFailure, ApplicationFailure, type RetryPolicy } from '@temporalio/common';
import type { ParkReason } from '../src/store/types';

/** How a sync ends when this failure reaches the workflow: `parked` waits for new data or a `retry` signal. */
export type EndStatus = 'parked' | 'failed';

export interface FailureRule {
  /** Temporal retries it (the policies have no attempt limit, so a retryable failure only delays). */
  readonly retryable: boolean;
  /**
   * What the workflow records if it ends a sync. Non-retryable types park: the reason says what to fix.
   * Retryable ones reach the workflow only if a policy ever stopped retrying, which none does: `failed`.
   */
  readonly status: EndStatus;
  /** `ParkReason.kind` recorded with it (drives `retry-parked --reason`). */
  readonly reason: ParkReason['kind'];
  /**
   * The next attempt waits this long instead of the policy's backoff: the server's Retry-After, or
   * the time a write left without an answer needs to land; `fallbackSeconds` when the error has none.
   */
  readonly delay?: { readonly from: 'retry-after' | 'write-settle'; readonly fallbackSeconds: number };
  /** From this attempt on the failure is thrown as the `as` type instead (retrying has stopped helping). */
  readonly parkAfterAttempts?: { readonly attempts: number; readonly as: string };
  /** Why it is, or is not, retried (one line; docs/reliability.md repeats it). */
  readonly why: string;
}

export const FAILURES = {
  KrayinTransient: {
    retryable: true,
    status: 'failed',
    reason: 'internal',
    why: 'Network error, timeout of a read, 5xx, 408, 419: Krayin or the path to it is down for a while.',
  },
  KrayinRateLimited: {
    retryable: true,
    status: 'failed',
    reason: 'internal',
    // A throttled production Krayin (APP_DEBUG=false) answers a generic 500 with no Retry-After.
    delay: { from: 'retry-after', fallbackSeconds: 10 },
    why: "Krayin's throttle (429, or the production generic 500) or our own request budget: the window passes.",
  },
  KrayinWriteUnanswered: {
    retryable: true,
    status: 'failed',
    reason: 'internal',
    delay: { from: 'write-settle', fallbackSeconds: 60 },
    why: 'A write was sent and its answer never came: after writeSettleMs it has landed or never will, and the retry re-reads before writing. Never parks: a slow Krayin only delays.',
  },
  KrayinAmbiguous: {
    retryable: true,
    status: 'failed',
    reason: 'ambiguous',
    parkAfterAttempts: { attempts: 5, as: 'KrayinAmbiguousUnresolved' },
    why: 'A 2xx with an empty, non-JSON or wrongly shaped body: the retry re-reads first, so a write that landed is linked.',
  },
  KrayinAmbiguousUnresolved: {
    retryable: false,
    status: 'parked',
    reason: 'ambiguous',
    why: 'Still ambiguous after 5 attempts: with APP_DEBUG=false Krayin hides 401/422/500 this way, so more retries would not help.',
  },
  KrayinValidation: {
    retryable: false,
    status: 'parked',
    reason: 'validation',
    why: 'Krayin rejected the data (422, other 4xx): the same request fails the same way until the contact or the settings change.',
  },
  KrayinAuth: {
    retryable: false,
    status: 'parked',
    reason: 'auth',
    why: 'Krayin refused the token (401, 403, 3xx to the login page): nothing works until KRAYIN_TOKEN is fixed.',
  },
  KrayinNotFound: {
    retryable: false,
    status: 'parked',
    reason: 'not_found',
    why: 'A record addressed by id is gone (deleted in Krayin during the write): the next sync (new data or `retry`) verifies its links and relinks.',
  },
  ChatwootTransient: {
    retryable: true,
    status: 'failed',
    reason: 'internal',
    why: 'Network error, timeout, 5xx from Chatwoot: it comes back.',
  },
  ChatwootRateLimited: {
    retryable: true,
    status: 'failed',
    reason: 'internal',
    // rack-attack sends no Retry-After and counts per minute: half its window between attempts.
    delay: { from: 'retry-after', fallbackSeconds: 30 },
    why: "Chatwoot's rack-attack throttle (429): its one-minute window passes.",
  },
  ChatwootNotFound: {
    retryable: true,
    status: 'failed',
    reason: 'internal',
    why: "404 where absence is not an answer (a conversation's messages): the conversation was deleted mid-activity, and the retry's first read finds it gone.",
  },
  ChatwootUnexpected: {
    retryable: false,
    status: 'parked',
    reason: 'internal',
    why: 'Chatwoot answered a status or body shape we do not know (e.g. after a Chatwoot upgrade): retrying reads the same thing.',
  },
  ChatwootAuth: {
    retryable: false,
    status: 'parked',
    reason: 'auth',
    why: 'Chatwoot refused the token (401, 403): nothing can be read until CHATWOOT_API_TOKEN is fixed.',
  },
  ConfigInvalid: {
    retryable: false,
    status: 'parked',
    reason: 'config',
    why: 'A setting that cannot work (owner, pipeline, stage missing in Krayin): fixed by changing the settings.',
  },
  UnknownConnection: {
    retryable: false,
    status: 'parked',
    reason: 'config',
    why: 'The connection id is not configured (removed from the settings while its contacts still had work).',
  },
} as const satisfies Record<string, FailureRule>;

export type FailureTypeName = keyof typeof FAILURES;

/** The type names as constants (`FailureType.KrayinAuth`), so a typo does not compile. */
export const FailureType = Object.fromEntries(Object.keys(FAILURES).map((t) => [t, t])) as {
  readonly [T in FailureTypeName]: T;
};

export function isFailureType(type: unknown): type is FailureTypeName {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(FAILURES, type);
}

export function ruleOf(type: FailureTypeName): FailureRule {
  return FAILURES[type];
}

/** Failures retrying cannot fix: every policy lists them, so Temporal stops at once whatever the flag says. */
export const NON_RETRYABLE: FailureTypeName[] = (Object.keys(FAILURES) as FailureTypeName[]).filter(
  (t) => !ruleOf(t).retryable,
);

/*
 * Retry policies (documented in docs/reliability.md). None has maximumAttempts: an outage must delay
 * syncs, never drop them; non-retryable failures park instead. A failure with `nextRetryDelay` (the
 * table's `delay`) overrides the backoff for that attempt.
 */

/**
 * Krayin writes and reads: back off up to 10 s between attempts while Krayin is down. Short on purpose:
 * failed attempts cost nothing against Krayin's rate limit (a refused connection, a 503 or a 429 never
 * reached its throttle, and the budget gives their slots back), so the only cost of trying again is
 * the work itself, while a long interval left syncs sleeping for up to that long after Krayin was back
 * (81 s to recover from a 20 s outage with 2 minutes; docs/performance.md "Recovery after an outage").
 * A throttled call waits for Krayin's window instead (the failure's own delay, FAILURES above).
 */
export const KRAYIN_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '10s',
  nonRetryableErrorTypes: NON_RETRYABLE,
};

/** Chatwoot API reads (the contact's current state). */
export const CHATWOOT_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  nonRetryableErrorTypes: NON_RETRYABLE,
};

/** Our own store: a short outage (Postgres restart) should not park anything. */
export const STORE_RETRY: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: NON_RETRYABLE,
};

export interface ParkOutcome {
  status: EndStatus;
  reason: ParkReason;
}

/**
 * How a sync that ended with `err` is recorded. The status comes from the table (a type it does not
 * know, or an error that is no ApplicationFailure, is `failed`); the reason is the ParkReason the
 * activity put in the failure's details, else one built from the table's kind and the message.
 */
export function parkOutcomeOf(err: unknown): ParkOutcome {
  const failure = applicationFailureOf(err);
  const rule = failure && isFailureType(failure.type) ? ruleOf(failure.type) : null;
  const status = rule?.status ?? 'failed';
  const detail = failure?.details?.[0];
  if (isParkReason(detail)) return { status, reason: detail };
  const message = failure?.message ?? (err instanceof Error ? err.message : String(err));
  return { status, reason: { kind: rule?.reason ?? 'internal', message } };
}

/** The ApplicationFailure an activity threw (Temporal hands it to the workflow inside an ActivityFailure). */
function applicationFailureOf(err: unknown): ApplicationFailure | null {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause;
  if (err instanceof ApplicationFailure) return err;
  return null;
}

function isParkReason(value: unknown): value is ParkReason {
  const r = value as Partial<ParkReason> | null | undefined;
  return typeof r === 'object' && r !== null && typeof r.kind === 'string' && typeof r.message === 'string';
}
