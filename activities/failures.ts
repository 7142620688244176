/**
 * Turns client errors into Temporal ApplicationFailures with the right retry semantics, so the
 * declarative policies in src/shared/retry-policies.ts and the workflow's parking rules apply.
 * Failure messages and details are PII-free (route templates, field names, Krayin's messages).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { Context } from '@temporalio/activity';
import {
  KrayinAmbiguousError,
  KrayinAuthError,
  KrayinError,
  KrayinNotFoundError,
  KrayinRateLimitedError,
  KrayinTransientError,
  KrayinValidationError,
} from '../src/krayin/errors';
import { ChatwootAuthError } from '../src/chatwoot/errors';
import { FailureType } from '../src/shared/failure-types';
import type { ParkReason } from '../src/store/types';
import { ConnectionConfigError } from '../src/sync/config-error';
import { UnknownConnectionError } from '../src/sync/connections';

/** A throttled production Krayin sends no Retry-After: wait at least this long before the next attempt. */
export const RATE_LIMIT_FLOOR_SECONDS = 10;
/** Ambiguous answers are re-read and retried this many attempts before the sync parks. */
export const AMBIGUOUS_MAX_ATTEMPTS = 5;

export function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof KrayinValidationError) {
    const fields = Object.keys(err.fieldErrors);
    return nonRetryable(FailureType.KrayinValidation, {
      kind: 'validation',
      message: `Krayin rejected ${err.endpoint}${fields.length ? ` (${fields.join(', ')})` : ''}: ${err.message}`,
      fieldErrors: err.fieldErrors,
      endpoint: err.endpoint,
    });
  }
  if (err instanceof KrayinAuthError) {
    return nonRetryable(FailureType.KrayinAuth, {
      kind: 'auth',
      message: `Krayin refused the API token (HTTP ${err.status} on ${err.endpoint}): fix KRAYIN_TOKEN, then retry`,
      endpoint: err.endpoint,
    });
  }
  if (err instanceof KrayinRateLimitedError) {
    const seconds = Math.max(err.retryAfterSeconds ?? RATE_LIMIT_FLOOR_SECONDS, 1);
    return ApplicationFailure.create({
      type: FailureType.KrayinRateLimited,
      message: `Krayin rate limit on ${err.endpoint}; next attempt in ${seconds}s`,
      nextRetryDelay: `${seconds}s`,
    });
  }
  if (err instanceof KrayinAmbiguousError && err.writeMayBeRunning) {
    // Krayin may still be executing the write: wait until it must have finished, then the retry's
    // look-before-create finds it. Not counted toward parking: a slow or failing Krayin only delays.
    const seconds = Math.max(err.settleSeconds ?? 60, 1);
    return ApplicationFailure.create({
      type: FailureType.KrayinAmbiguous,
      message: `${err.message}; next attempt in ${seconds}s`,
      nextRetryDelay: `${seconds}s`,
    });
  }
  if (err instanceof KrayinAmbiguousError) {
    if (attempt() >= AMBIGUOUS_MAX_ATTEMPTS) {
      return nonRetryable(FailureType.KrayinAmbiguousUnresolved, {
        kind: 'ambiguous',
        message: `Krayin kept answering ${err.endpoint} with an empty or unreadable body (HTTP ${err.status}) after ${attempt()} attempts; with APP_DEBUG=false this hides validation or auth errors`,
        endpoint: err.endpoint,
      });
    }
    return ApplicationFailure.create({ type: FailureType.KrayinAmbiguous, message: err.message });
  }
  if (err instanceof KrayinNotFoundError) {
    return nonRetryable(FailureType.KrayinNotFound, {
      kind: 'not_found',
      message: `Krayin answered 404 on ${err.endpoint}`,
      endpoint: err.endpoint,
    });
  }
  if (err instanceof KrayinTransientError || err instanceof KrayinError) {
    return ApplicationFailure.create({ type: FailureType.KrayinTransient, message: `${err.endpoint}: ${err.message}` });
  }
  if (err instanceof ChatwootAuthError) {
    return nonRetryable(FailureType.ChatwootAuth, {
      kind: 'auth',
      message: 'Chatwoot refused the API token: fix CHATWOOT_API_TOKEN, then retry',
    });
  }
  if (err instanceof ConnectionConfigError) {
    return nonRetryable(FailureType.ConfigInvalid, { kind: 'config', message: err.message });
  }
  if (err instanceof UnknownConnectionError) {
    return nonRetryable(FailureType.UnknownConnection, { kind: 'config', message: err.message });
  }
  return err;
}

/** Runs an activity body, translating every error on the way out. */
export async function classified<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toFailure(err);
  }
}

function nonRetryable(type: string, reason: ParkReason): ApplicationFailure {
  return ApplicationFailure.create({ type, message: reason.message, nonRetryable: true, details: [reason] });
}

function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
