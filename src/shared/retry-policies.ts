/**
 * Declarative retry policies, the single place they are defined (documented in docs/reliability.md).
 * No maximumAttempts: an outage must delay syncs, never drop them. Non-retryable failures park instead.
 * Rate-limited failures carry `nextRetryDelay` (>= Retry-After), which overrides the backoff.
 */
import type { RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_FAILURES } from './failure-types';

/** Krayin writes and reads: back off up to 2 minutes between attempts while Krayin is down. */
export const KRAYIN_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '2m',
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURES,
};

/** Chatwoot API reads (the contact's current state). */
export const CHATWOOT_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURES,
};

/** Our own store: a short outage (Postgres restart) should not park anything. */
export const STORE_RETRY: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURES,
};
