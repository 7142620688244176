import { ApplicationFailure, type Logger } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { MockActivityEnvironment } from '@temporalio/testing';
import { classified, RATE_LIMIT_FLOOR_SECONDS, toFailure } from '../../activities/failures';
import {
  ChatwootAuthError,
  ChatwootNotFoundError,
  ChatwootRateLimitedError,
  ChatwootTransientError,
  ChatwootUnexpectedResponseError,
  ChatwootValidationError,
} from '../../src/chatwoot/errors';
import {
  KrayinAmbiguousError,
  KrayinAuthError,
  KrayinError,
  KrayinNotFoundError,
  KrayinRateLimitedError,
  KrayinTransientError,
  KrayinValidationError,
} from '../../src/krayin/errors';
import type { ParkReason } from '../../src/store/types';
import { ConnectionConfigError } from '../../src/sync/config-error';
import { UnknownConnectionError } from '../../src/sync/connections';
import { FAILURES, FailureType, NON_RETRYABLE } from '../../workflows/failures';

const AMBIGUOUS_MAX_ATTEMPTS = FAILURES.KrayinAmbiguous.parkAfterAttempts.attempts;

const ENDPOINT = 'POST /contacts/persons';
/** Values that must never reach a failure message, details or the Temporal UI. */
const TOKEN = '7|AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd';
const CHATWOOT_TOKEN = 'cw_api_token_Zx9Yw8Vu7Ts6';

/** The mock environment logs every failed activity; these failures are the point of the tests. */
const quiet: Logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function asFailure(value: unknown): ApplicationFailure {
  expect(value).toBeInstanceOf(ApplicationFailure);
  return value as ApplicationFailure;
}

/** Runs toFailure inside a mocked activity context whose Info has the given attempt. */
async function toFailureAtAttempt(err: unknown, attempt: number): Promise<ApplicationFailure> {
  const env = new MockActivityEnvironment({ attempt }, { logger: quiet });
  return asFailure(await env.run(async () => toFailure(err)));
}

function delayMs(f: ApplicationFailure): number | undefined {
  return f.nextRetryDelay === undefined || f.nextRetryDelay === null ? undefined : msToNumber(f.nextRetryDelay);
}

function parkReason(f: ApplicationFailure): ParkReason {
  expect(f.details).toHaveLength(1);
  return f.details?.[0] as ParkReason;
}

function expectNoSecrets(f: ApplicationFailure): void {
  const text = JSON.stringify({ message: f.message, details: f.details ?? null });
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(TOKEN.split('|')[1]);
  expect(text).not.toContain(CHATWOOT_TOKEN);
}

describe('toFailure: rate limits', () => {
  it('waits the Retry-After seconds (429)', () => {
    const f = asFailure(toFailure(new KrayinRateLimitedError(ENDPOINT, 429, 37, `${ENDPOINT}: HTTP 429 rate limited`)));
    expect(f.type).toBe(FailureType.KrayinRateLimited);
    expect(f.nonRetryable).toBe(false);
    expect(delayMs(f)).toBe(37_000);
    expect(f.message).toBe(`Krayin rate limit on ${ENDPOINT}; next attempt in 37s`);
  });

  it('waits the floor for the production generic 500 without Retry-After', () => {
    const f = asFailure(toFailure(new KrayinRateLimitedError(ENDPOINT, 500, null, 'generic server error')));
    expect(RATE_LIMIT_FLOOR_SECONDS).toBe(10);
    expect(f.type).toBe(FailureType.KrayinRateLimited);
    expect(f.nonRetryable).toBe(false);
    expect(delayMs(f)).toBe(RATE_LIMIT_FLOOR_SECONDS * 1000);
  });

  it('waits at least 1 s when Retry-After is 0 (or a date already past)', () => {
    const f = asFailure(toFailure(new KrayinRateLimitedError(ENDPOINT, 429, 0, 'rate limited')));
    expect(f.nonRetryable).toBe(false);
    expect(delayMs(f)).toBe(1000);
  });

  it('uses the remaining wait of the local request budget (status 0)', () => {
    const f = asFailure(toFailure(new KrayinRateLimitedError(ENDPOINT, 0, 6, 'request budget used up')));
    expect(f.type).toBe(FailureType.KrayinRateLimited);
    expect(delayMs(f)).toBe(6000);
  });

  it('is not a parking type', () => {
    expect(NON_RETRYABLE).not.toContain(FailureType.KrayinRateLimited);
  });
});

describe('toFailure: ambiguous answers', () => {
  describe('a write that may still be running', () => {
    const running = () =>
      new KrayinAmbiguousError(ENDPOINT, 0, `${ENDPOINT}: timeout after 30000 ms; the write may still complete`, {
        writeMayBeRunning: true,
        settleSeconds: 45,
      });

    it('is retried after settleSeconds, as KrayinWriteUnanswered', () => {
      const f = asFailure(toFailure(running()));
      expect(f.type).toBe(FailureType.KrayinWriteUnanswered);
      expect(f.nonRetryable).toBe(false);
      expect(delayMs(f)).toBe(45_000);
      expect(f.message).toBe(`${ENDPOINT}: timeout after 30000 ms; the write may still complete; next attempt in 45s`);
    });

    it.each([1, AMBIGUOUS_MAX_ATTEMPTS, AMBIGUOUS_MAX_ATTEMPTS + 20])('never parks (attempt %d)', async (attempt) => {
      const f = await toFailureAtAttempt(running(), attempt);
      expect(f.type).toBe(FailureType.KrayinWriteUnanswered);
      expect(f.nonRetryable).toBe(false);
      expect(delayMs(f)).toBe(45_000);
    });

    it('defaults to 60 s without settleSeconds, and waits at least 1 s', () => {
      const noSettle = new KrayinAmbiguousError(ENDPOINT, 0, 'reset', { writeMayBeRunning: true });
      expect(delayMs(asFailure(toFailure(noSettle)))).toBe(60_000);
      const zero = new KrayinAmbiguousError(ENDPOINT, 0, 'reset', { writeMayBeRunning: true, settleSeconds: 0 });
      expect(delayMs(asFailure(toFailure(zero)))).toBe(1000);
    });
  });

  describe('an unreadable 2xx', () => {
    const empty = () => new KrayinAmbiguousError(ENDPOINT, 200, `${ENDPOINT}: HTTP 200 with an empty body`);

    it('is retried by the policy backoff outside an activity (attempt taken as 1)', () => {
      const f = asFailure(toFailure(empty()));
      expect(f.type).toBe(FailureType.KrayinAmbiguous);
      expect(f.nonRetryable).toBe(false);
      expect(f.nextRetryDelay).toBeUndefined();
      expect(f.message).toBe(`${ENDPOINT}: HTTP 200 with an empty body`);
    });

    it.each([1, AMBIGUOUS_MAX_ATTEMPTS - 1])('is retried below the limit (attempt %d)', async (attempt) => {
      const f = await toFailureAtAttempt(empty(), attempt);
      expect(f.type).toBe(FailureType.KrayinAmbiguous);
      expect(f.nonRetryable).toBe(false);
      expect(f.nextRetryDelay).toBeUndefined();
    });

    it.each([AMBIGUOUS_MAX_ATTEMPTS, AMBIGUOUS_MAX_ATTEMPTS + 3])(
      'parks as KrayinAmbiguousUnresolved from the limit on (attempt %d)',
      async (attempt) => {
        expect(AMBIGUOUS_MAX_ATTEMPTS).toBe(5);
        const f = await toFailureAtAttempt(empty(), attempt);
        expect(f.type).toBe(FailureType.KrayinAmbiguousUnresolved);
        expect(f.nonRetryable).toBe(true);
        expect(f.nextRetryDelay).toBeUndefined();
        expect(NON_RETRYABLE).toContain(f.type);
        expect(parkReason(f)).toEqual({ kind: 'ambiguous', message: f.message, endpoint: ENDPOINT });
        expect(f.message).toContain(`Krayin kept answering ${ENDPOINT}`);
        expect(f.message).toContain('(HTTP 200)');
        expect(f.message).toContain(`after ${attempt} attempts`);
      },
    );
  });
});

describe('toFailure: errors retrying cannot fix', () => {
  it('validation: non-retryable with field names and Krayin field errors', () => {
    const fieldErrors = { 'emails.0.value': ['The emails.0.value has already been taken.'], name: ['Required.'] };
    const err = new KrayinValidationError(ENDPOINT, fieldErrors, 'The given data was invalid.');
    const f = asFailure(toFailure(err));
    expect(f.type).toBe(FailureType.KrayinValidation);
    expect(f.nonRetryable).toBe(true);
    expect(f.nextRetryDelay).toBeUndefined();
    expect(f.message).toBe(`Krayin rejected ${ENDPOINT} (emails.0.value, name): The given data was invalid.`);
    expect(parkReason(f)).toEqual({ kind: 'validation', message: f.message, fieldErrors, endpoint: ENDPOINT });
    expect(NON_RETRYABLE).toContain(f.type);
  });

  it('validation without field errors (other 4xx): no empty parentheses', () => {
    const f = asFailure(toFailure(new KrayinValidationError('PUT /leads/{id}', {}, 'HTTP 409')));
    expect(f.type).toBe(FailureType.KrayinValidation);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toBe('Krayin rejected PUT /leads/{id}: HTTP 409');
    expect(parkReason(f).fieldErrors).toEqual({});
  });

  it.each([401, 403])('Krayin auth (HTTP %d): non-retryable, names the setting, not the token', (status) => {
    const err = new KrayinAuthError(ENDPOINT, status, `${ENDPOINT}: HTTP ${status} not authenticated`);
    const f = asFailure(toFailure(err));
    expect(f.type).toBe(FailureType.KrayinAuth);
    expect(f.nonRetryable).toBe(true);
    expect(f.nextRetryDelay).toBeUndefined();
    expect(f.message).toBe(
      `Krayin refused the API token (HTTP ${status} on ${ENDPOINT}): fix KRAYIN_TOKEN, then retry`,
    );
    expect(parkReason(f)).toEqual({ kind: 'auth', message: f.message, endpoint: ENDPOINT });
    expect(NON_RETRYABLE).toContain(f.type);
  });

  it('Krayin auth: a token in the client message is not copied into the failure', () => {
    const f = asFailure(toFailure(new KrayinAuthError(ENDPOINT, 401, `Bearer ${TOKEN} rejected`)));
    expectNoSecrets(f);
  });

  it('Chatwoot auth: non-retryable, names the setting, not the token', () => {
    const err = new ChatwootAuthError('GET /contacts/{id}', 401, `api_access_token ${CHATWOOT_TOKEN} invalid`);
    const f = asFailure(toFailure(err));
    expect(f.type).toBe(FailureType.ChatwootAuth);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toBe('Chatwoot refused the API token: fix CHATWOOT_API_TOKEN, then retry');
    expect(parkReason(f)).toEqual({ kind: 'auth', message: f.message, endpoint: 'GET /contacts/{id}' });
    expect(NON_RETRYABLE).toContain(f.type);
    expectNoSecrets(f);
  });

  it('Krayin not found: non-retryable, parks with kind not_found', () => {
    const f = asFailure(toFailure(new KrayinNotFoundError('GET /leads/{id}', 'GET /leads/{id}: HTTP 404 not found')));
    expect(f.type).toBe(FailureType.KrayinNotFound);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toBe('Krayin answered 404 on GET /leads/{id}');
    expect(parkReason(f)).toEqual({ kind: 'not_found', message: f.message, endpoint: 'GET /leads/{id}' });
    expect(NON_RETRYABLE).toContain(f.type);
    expect(FAILURES.KrayinNotFound.status).toBe('parked');
  });

  it('connection config error: ConfigInvalid, kind config', () => {
    const f = asFailure(toFailure(new ConnectionConfigError('krayin.pipelineId', 'no pipeline 9 in Krayin')));
    expect(f.type).toBe(FailureType.ConfigInvalid);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toBe('krayin.pipelineId: no pipeline 9 in Krayin');
    expect(parkReason(f)).toEqual({ kind: 'config', message: f.message });
    expect(NON_RETRYABLE).toContain(f.type);
  });

  it('unknown connection: UnknownConnection, kind config', () => {
    const f = asFailure(toFailure(new UnknownConnectionError('acme')));
    expect(f.type).toBe(FailureType.UnknownConnection);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toBe('unknown connection "acme"');
    expect(parkReason(f)).toEqual({ kind: 'config', message: f.message });
    expect(NON_RETRYABLE).toContain(f.type);
  });
});

describe('toFailure: transient and everything else', () => {
  it.each([
    ['network error', new KrayinTransientError(ENDPOINT, null, `${ENDPOINT}: ECONNREFUSED`)],
    ['5xx', new KrayinTransientError(ENDPOINT, 503, `${ENDPOINT}: HTTP 503 server unavailable`)],
    ['419', new KrayinTransientError(ENDPOINT, 419, `${ENDPOINT}: HTTP 419 retryable`)],
  ])('KrayinTransientError (%s): retried by the policy backoff', (_case, err) => {
    const f = asFailure(toFailure(err));
    expect(f.type).toBe(FailureType.KrayinTransient);
    expect(f.nonRetryable).toBe(false);
    expect(f.nextRetryDelay).toBeUndefined();
    expect(f.details ?? []).toEqual([]);
    expect(f.message).toBe(`${ENDPOINT}: ${err.message}`);
  });

  it('any other KrayinError is transient', () => {
    const f = asFailure(toFailure(new KrayinError('transient', 'GET /settings', 502, 'odd')));
    expect(f.type).toBe(FailureType.KrayinTransient);
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toBe('GET /settings: odd');
  });

  it('passes an ApplicationFailure through unchanged', () => {
    const original = ApplicationFailure.create({ type: FailureType.ConfigInvalid, message: 'x', nonRetryable: true });
    expect(toFailure(original)).toBe(original);
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['a string', 'oops'],
    ['undefined', undefined],
  ])('returns %s as thrown', (_case, err) => {
    expect(toFailure(err)).toBe(err);
  });
});

describe('toFailure: Chatwoot', () => {
  const CONTACT = 'GET /contacts/{id}';
  const MESSAGES = 'GET /conversations/{display_id}/messages';

  it.each([
    ['a network error', new ChatwootTransientError(CONTACT, null, 'Chatwoot request failed: ECONNREFUSED')],
    ['a 503', new ChatwootTransientError(CONTACT, 503, `Chatwoot answered 503 for ${CONTACT}`)],
  ])('transient (%s): retried by the policy backoff', (_case, err) => {
    const f = asFailure(toFailure(err));
    expect(f.type).toBe(FailureType.ChatwootTransient);
    expect(f.nonRetryable).toBe(false);
    expect(f.nextRetryDelay).toBeUndefined();
    expect(f.details ?? []).toEqual([]);
    expect(f.message).toBe(`${CONTACT}: ${err.message}`);
  });

  it('rate limited with Retry-After: waits that long', () => {
    const f = asFailure(toFailure(new ChatwootRateLimitedError(CONTACT, 12, 'Retry later')));
    expect(f.type).toBe(FailureType.ChatwootRateLimited);
    expect(f.nonRetryable).toBe(false);
    expect(delayMs(f)).toBe(12_000);
    expect(f.message).toBe(`Chatwoot rate limit on ${CONTACT}; next attempt in 12s`);
  });

  it("rate limited without Retry-After (rack-attack's default): waits the table's fallback", () => {
    const f = asFailure(toFailure(new ChatwootRateLimitedError(CONTACT, null, 'Retry later')));
    expect(FAILURES.ChatwootRateLimited.delay.fallbackSeconds).toBe(30);
    expect(delayMs(f)).toBe(30_000);
  });

  it('not found mid-activity (messages of a conversation deleted since it was read): retried', () => {
    const f = asFailure(toFailure(new ChatwootNotFoundError(MESSAGES, `Chatwoot answered 404 for ${MESSAGES}`)));
    expect(f.type).toBe(FailureType.ChatwootNotFound);
    expect(f.nonRetryable).toBe(false);
    expect(NON_RETRYABLE).not.toContain(f.type);
  });

  it.each([
    ['an unknown status', new ChatwootUnexpectedResponseError(CONTACT, 418, `Chatwoot answered 418 for ${CONTACT}`)],
    [
      'a body of another shape',
      new ChatwootUnexpectedResponseError(CONTACT, 200, 'unexpected response shape at payload.id'),
    ],
    ['a 422 on a read', new ChatwootValidationError(CONTACT, ['email'], `Chatwoot answered 422 for ${CONTACT}`)],
  ])('unexpected (%s): parked, kind internal, with the endpoint', (_case, err) => {
    const f = asFailure(toFailure(err));
    expect(f.type).toBe(FailureType.ChatwootUnexpected);
    expect(f.nonRetryable).toBe(true);
    expect(parkReason(f)).toEqual({ kind: 'internal', message: err.message, endpoint: CONTACT });
    expect(NON_RETRYABLE).toContain(f.type);
  });
});

describe('classified', () => {
  it('returns the value of a successful body', async () => {
    await expect(classified(async () => 42)).resolves.toBe(42);
  });

  it('throws the translated failure', async () => {
    const thrown = await classified(async () => {
      throw new KrayinAuthError(ENDPOINT, 401, 'no');
    }).catch((e: unknown) => e);
    const f = asFailure(thrown);
    expect(f.type).toBe(FailureType.KrayinAuth);
    expect(f.nonRetryable).toBe(true);
  });

  it('reads the attempt of the running activity', async () => {
    const env = new MockActivityEnvironment({ attempt: AMBIGUOUS_MAX_ATTEMPTS }, { logger: quiet });
    const thrown = await env
      .run(() =>
        classified(async () => {
          throw new KrayinAmbiguousError(ENDPOINT, 200, 'non-JSON body');
        }),
      )
      .catch((e: unknown) => e);
    const f = asFailure(thrown);
    expect(f.type).toBe(FailureType.KrayinAmbiguousUnresolved);
    expect(f.nonRetryable).toBe(true);
  });

  it('leaves unknown errors as thrown', async () => {
    const boom = new Error('boom');
    await expect(
      classified(async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });
});
