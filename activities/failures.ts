/**
 * Turns client errors into Temporal ApplicationFailures. Which type an error becomes is decided here;
 * everything that follows from the type (retried or not, the delay source, the attempt after which it
 * parks, the park reason's kind) is read from the failure table in workflows/failures.ts.
 * Failure messages and details are PII-free (route templates, statuses, field names, Krayin's messages).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  ChatwootAuthError,
  ChatwootError,
  ChatwootNotFoundError,
  ChatwootRateLimitedError,
  ChatwootTransientError,
  ChatwootUnexpectedResponseError,
  ChatwootValidationError,
} from '../src/chatwoot/errors';
import {
  KrayinAmbiguousError,
  KrayinAuthError,
  KrayinError,
  KrayinNotFoundError,
  KrayinRateLimitedError,
  KrayinValidationError,
} from '../src/krayin/errors';
import type { ParkReason } from '../src/store/types';
import { ConnectionConfigError } from '../src/sync/config-error';
import { UnknownConnectionError } from '../src/sync/connections';
import { FAILURES, FailureType, isFailureType, ruleOf, type FailureTypeName } from '../workflows/failures';

/** A throttled production Krayin sends no Retry-After: the next attempt waits at least this long. */
export const RATE_LIMIT_FLOOR_SECONDS = FAILURES.KrayinRateLimited.delay.fallbackSeconds;

/** What the park reason carries besides its kind (from the table) and message. */
type ReasonExtras = Omit<ParkReason, 'kind' | 'message'>;

export function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof KrayinError) return fromKrayin(err);
  if (err instanceof ChatwootError) return fromChatwoot(err);
  if (err instanceof ConnectionConfigError) return failure(FailureType.ConfigInvalid, err.message);
  if (err instanceof UnknownConnectionError) return failure(FailureType.UnknownConnection, err.message);
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

function fromKrayin(err: KrayinError): ApplicationFailure {
  const { endpoint } = err;
  if (err instanceof KrayinValidationError) {
    const fields = Object.keys(err.fieldErrors);
    const message = `Krayin rejected ${endpoint}${fields.length ? ` (${fields.join(', ')})` : ''}: ${err.message}`;
    return failure(FailureType.KrayinValidation, message, { fieldErrors: err.fieldErrors, endpoint });
  }
  if (err instanceof KrayinAuthError) {
    const message = `Krayin refused the API token (HTTP ${err.status} on ${endpoint}): fix KRAYIN_TOKEN, then retry`;
    return failure(FailureType.KrayinAuth, message, { endpoint });
  }
  if (err instanceof KrayinRateLimitedError) {
    return failure(FailureType.KrayinRateLimited, `Krayin rate limit on ${endpoint}`, {}, err.retryAfterSeconds);
  }
  if (err instanceof KrayinAmbiguousError && err.writeMayBeRunning) {
    return failure(FailureType.KrayinWriteUnanswered, err.message, {}, err.settleSeconds);
  }
  if (err instanceof KrayinAmbiguousError) {
    const type = typeAtThisAttempt(FailureType.KrayinAmbiguous);
    const message =
      type === FailureType.KrayinAmbiguous
        ? err.message
        : `Krayin kept answering ${endpoint} with an empty or unreadable body (HTTP ${err.status}) after ${attempt()} attempts; with APP_DEBUG=false this hides validation or auth errors`;
    return failure(type, message, { endpoint });
  }
  if (err instanceof KrayinNotFoundError) {
    return failure(FailureType.KrayinNotFound, `Krayin answered 404 on ${endpoint}`, { endpoint });
  }
  // KrayinTransientError, and any KrayinError without a more specific class.
  return failure(FailureType.KrayinTransient, `${endpoint}: ${err.message}`);
}

function fromChatwoot(err: ChatwootError): ApplicationFailure {
  const { endpoint } = err;
  if (err instanceof ChatwootAuthError) {
    return failure(FailureType.ChatwootAuth, 'Chatwoot refused the API token: fix CHATWOOT_API_TOKEN, then retry', {
      endpoint,
    });
  }
  if (err instanceof ChatwootRateLimitedError) {
    return failure(FailureType.ChatwootRateLimited, `Chatwoot rate limit on ${endpoint}`, {}, err.retryAfterSeconds);
  }
  if (err instanceof ChatwootNotFoundError) return failure(FailureType.ChatwootNotFound, err.message, { endpoint });
  if (err instanceof ChatwootTransientError) {
    return failure(FailureType.ChatwootTransient, `${endpoint}: ${err.message}`);
  }
  // A read answered 422 is as unexpected as an unknown status or body shape.
  if (err instanceof ChatwootValidationError || err instanceof ChatwootUnexpectedResponseError) {
    return failure(FailureType.ChatwootUnexpected, err.message, { endpoint });
  }
  return failure(FailureType.ChatwootUnexpected, `${endpoint}: ${err.message}`, { endpoint });
}

/**
 * The failure of `type`, as the table says: retryable or not, the next attempt's delay (the error's
 * own hint, else the table's fallback, at least 1 s), and for a non-retryable one the ParkReason the
 * workflow records (kind from the table).
 */
function failure(
  type: FailureTypeName,
  message: string,
  extras: ReasonExtras = {},
  delayHintSeconds: number | null = null,
): ApplicationFailure {
  const rule = ruleOf(type);
  if (rule.delay) {
    const seconds = Math.max(delayHintSeconds ?? rule.delay.fallbackSeconds, 1);
    return ApplicationFailure.create({
      type,
      message: `${message}; next attempt in ${seconds}s`,
      nextRetryDelay: `${seconds}s`,
    });
  }
  if (rule.retryable) return ApplicationFailure.create({ type, message });
  const reason: ParkReason = { kind: rule.reason, message, ...extras };
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [reason] });
}

/** `type`, or the type it turns into once the running activity reached the table's parkAfterAttempts. */
function typeAtThisAttempt(type: FailureTypeName): FailureTypeName {
  const limit = ruleOf(type).parkAfterAttempts;
  if (!limit || attempt() < limit.attempts) return type;
  if (!isFailureType(limit.as)) throw new Error(`failure table: ${type} parks as unknown type ${limit.as}`);
  return limit.as;
}

/** The running activity's attempt (1 outside an activity, e.g. in unit tests). */
function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
