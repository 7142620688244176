/**
 * The failure table (workflows/failures.ts) against the code that produces failures (toFailure), the
 * code that records them (parkOutcomeOf), the retry policies, and docs/reliability.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { toFailure } from '../../activities/failures';
import {
  ChatwootAuthError,
  ChatwootNotFoundError,
  ChatwootRateLimitedError,
  ChatwootTransientError,
  ChatwootUnexpectedResponseError,
} from '../../src/chatwoot/errors';
import {
  KrayinAmbiguousError,
  KrayinAuthError,
  KrayinNotFoundError,
  KrayinRateLimitedError,
  KrayinTransientError,
  KrayinValidationError,
} from '../../src/krayin/errors';
import type { ParkReason } from '../../src/store/types';
import { ConnectionConfigError } from '../../src/sync/config-error';
import { UnknownConnectionError } from '../../src/sync/connections';
import {
  CHATWOOT_RETRY,
  FAILURES,
  FailureType,
  isFailureType,
  KRAYIN_RETRY,
  NON_RETRYABLE,
  parkOutcomeOf,
  ruleOf,
  STORE_RETRY,
  type FailureTypeName,
} from '../../workflows/failures';

const TYPES = Object.keys(FAILURES) as FailureTypeName[];
const E = 'POST /contacts/persons';

const quiet: Logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * One client error per failure type, and the activity attempt it is thrown at. Typed by the table's
 * keys: a type added to the table without a producing error does not compile, and the test below
 * fails if toFailure turns the error into another type.
 */
const PRODUCERS: Record<FailureTypeName, { error: () => unknown; attempt?: number }> = {
  KrayinTransient: { error: () => new KrayinTransientError(E, 503, 'HTTP 503') },
  KrayinRateLimited: { error: () => new KrayinRateLimitedError(E, 429, 7, 'HTTP 429') },
  KrayinWriteUnanswered: {
    error: () => new KrayinAmbiguousError(E, 0, 'timeout', { writeMayBeRunning: true, settleSeconds: 60 }),
  },
  KrayinAmbiguous: { error: () => new KrayinAmbiguousError(E, 200, 'empty body'), attempt: 1 },
  KrayinAmbiguousUnresolved: {
    error: () => new KrayinAmbiguousError(E, 200, 'empty body'),
    attempt: FAILURES.KrayinAmbiguous.parkAfterAttempts.attempts,
  },
  KrayinValidation: { error: () => new KrayinValidationError(E, { name: ['Required.'] }, 'invalid') },
  KrayinAuth: { error: () => new KrayinAuthError(E, 401, 'HTTP 401') },
  KrayinNotFound: { error: () => new KrayinNotFoundError('PUT /leads/{id}', 'HTTP 404') },
  ChatwootTransient: { error: () => new ChatwootTransientError('GET /contacts/{id}', 502, 'HTTP 502') },
  ChatwootRateLimited: { error: () => new ChatwootRateLimitedError('GET /contacts/{id}', null, 'Retry later') },
  ChatwootNotFound: { error: () => new ChatwootNotFoundError('GET /conversations/{display_id}/messages', '404') },
  ChatwootUnexpected: { error: () => new ChatwootUnexpectedResponseError('GET /contacts/{id}', 200, 'shape') },
  ChatwootAuth: { error: () => new ChatwootAuthError('GET /contacts/{id}', 401, 'HTTP 401') },
  ConfigInvalid: { error: () => new ConnectionConfigError('krayin.pipelineId', 'no pipeline 9') },
  UnknownConnection: { error: () => new UnknownConnectionError('acme') },
};

async function produce(type: FailureTypeName): Promise<ApplicationFailure> {
  const { error, attempt = 1 } = PRODUCERS[type];
  const env = new MockActivityEnvironment({ attempt }, { logger: quiet });
  const f = await env.run(async () => toFailure(error()));
  expect(f).toBeInstanceOf(ApplicationFailure);
  return f as ApplicationFailure;
}

/** What the workflow receives when the activity gave up with `cause`. */
function activityFailure(cause: Error): ActivityFailure {
  return new ActivityFailure('Activity task failed', 'syncPerson', '7', RetryState.NON_RETRYABLE_FAILURE, 'w', cause);
}

describe('the failure table', () => {
  it.each(TYPES)('%s: non-retryable exactly when it parks; a delay only when retried', (type) => {
    const rule = ruleOf(type);
    expect(rule.status).toBe(rule.retryable ? 'failed' : 'parked');
    if (rule.delay) expect(rule.retryable).toBe(true);
    expect(rule.why.length).toBeGreaterThan(20);
  });

  it('parkAfterAttempts names a type of the table that parks', () => {
    const escalations = TYPES.flatMap((t) => {
      const limit = ruleOf(t).parkAfterAttempts;
      return limit ? [limit] : [];
    });
    expect(escalations).toEqual([{ attempts: 5, as: FailureType.KrayinAmbiguousUnresolved }]);
    for (const { as } of escalations) {
      expect(isFailureType(as)).toBe(true);
      expect(isFailureType(as) && ruleOf(as).status).toBe('parked');
    }
  });

  it('the type constants are the table keys', () => {
    expect(Object.keys(FailureType)).toEqual(TYPES);
    for (const t of TYPES) expect(FailureType[t]).toBe(t);
  });

  it('NON_RETRYABLE is the non-retryable rows, and every policy lists it without an attempt limit', () => {
    expect(NON_RETRYABLE).toEqual(TYPES.filter((t) => !ruleOf(t).retryable));
    expect(NON_RETRYABLE).toContain(FailureType.KrayinNotFound);
    for (const policy of [KRAYIN_RETRY, CHATWOOT_RETRY, STORE_RETRY]) {
      expect(policy.nonRetryableErrorTypes).toEqual(NON_RETRYABLE);
      expect(policy.maximumAttempts).toBeUndefined();
    }
  });
});

describe('toFailure produces every type of the table, as the table says', () => {
  it.each(TYPES)('%s', async (type) => {
    const rule = ruleOf(type);
    const f = await produce(type);
    expect(f.type).toBe(type);
    expect(f.nonRetryable).toBe(!rule.retryable);
    expect(f.nextRetryDelay !== undefined).toBe(rule.delay !== undefined);
    if (rule.retryable) {
      expect(f.details ?? []).toEqual([]);
    } else {
      const reason = f.details?.[0] as ParkReason;
      expect(reason.kind).toBe(rule.reason);
      expect(reason.message).toBe(f.message);
    }
  });
});

describe('parkOutcomeOf', () => {
  it.each(NON_RETRYABLE)('%s from an activity: parked, with the reason the activity put in details', async (type) => {
    const f = await produce(type);
    const outcome = parkOutcomeOf(activityFailure(f));
    expect(outcome).toEqual({ status: 'parked', reason: f.details?.[0] });
    expect(outcome.reason.kind).toBe(ruleOf(type).reason);
  });

  it('a Krayin 404 parks (it used to end as failed)', async () => {
    const outcome = parkOutcomeOf(activityFailure(await produce(FailureType.KrayinNotFound)));
    expect(outcome.status).toBe('parked');
    expect(outcome.reason).toEqual({
      kind: 'not_found',
      message: 'Krayin answered 404 on PUT /leads/{id}',
      endpoint: 'PUT /leads/{id}',
    });
  });

  it('a known type without details: the reason kind comes from the table', () => {
    const f = ApplicationFailure.create({ type: FailureType.KrayinAuth, message: 'token refused', nonRetryable: true });
    expect(parkOutcomeOf(activityFailure(f))).toEqual({
      status: 'parked',
      reason: { kind: 'auth', message: 'token refused' },
    });
  });

  it('a history recorded before the table (KrayinAmbiguousUnresolved with its details) still parks the same', () => {
    const reason: ParkReason = { kind: 'ambiguous', message: 'Krayin kept answering', endpoint: E };
    const f = ApplicationFailure.create({
      type: 'KrayinAmbiguousUnresolved',
      message: reason.message,
      nonRetryable: true,
      details: [reason],
    });
    expect(parkOutcomeOf(activityFailure(f))).toEqual({ status: 'parked', reason });
  });

  it('a type the table does not know: failed, kind internal', () => {
    const f = ApplicationFailure.create({ type: 'SomethingElse', message: 'boom', nonRetryable: true });
    expect(parkOutcomeOf(activityFailure(f))).toEqual({
      status: 'failed',
      reason: { kind: 'internal', message: 'boom' },
    });
  });

  it('an activity that timed out (no ApplicationFailure inside): failed, kind internal', () => {
    const err = activityFailure(new TimeoutFailure('timed out', undefined, 'START_TO_CLOSE'));
    expect(parkOutcomeOf(err)).toEqual({
      status: 'failed',
      reason: { kind: 'internal', message: 'Activity task failed' },
    });
  });

  it('a plain error or a thrown string: failed, kind internal', () => {
    expect(parkOutcomeOf(new Error('bug'))).toEqual({ status: 'failed', reason: { kind: 'internal', message: 'bug' } });
    expect(parkOutcomeOf('odd')).toEqual({ status: 'failed', reason: { kind: 'internal', message: 'odd' } });
  });
});

describe('docs/reliability.md lists the table', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../docs/reliability.md'), 'utf8');
  /** Rows of the markdown table whose first cell is a code-quoted failure type. */
  const rows = new Map(
    doc
      .split('\n')
      .map((line) => /^\| `(\w+)` \|(.*)\|$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && isFailureType(m[1]))
      .map((m) => [m[1], (m[2] ?? '').split('|').map((c) => c.trim())]),
  );

  it('has one row per type, in the order of the table', () => {
    expect([...rows.keys()]).toEqual(TYPES);
  });

  it.each(TYPES)('%s: retried, ends as and reason match the code', (type) => {
    const rule = ruleOf(type);
    const [, retried, endsAs, reason] = rows.get(type) ?? [];
    expect(retried?.startsWith(rule.retryable ? 'yes' : 'no')).toBe(true);
    expect(endsAs).toBe(rule.status);
    expect(reason).toBe(rule.reason);
  });
});
