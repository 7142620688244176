import { z } from 'zod';
import {
  classifyFailure,
  decodeResponse,
  isShowMiss,
  parseRetryAfter,
  type RawResponse,
} from '../../src/krayin/classify';
import {
  KrayinAmbiguousError,
  KrayinAuthError,
  KrayinNotFoundError,
  KrayinRateLimitedError,
  KrayinTransientError,
  KrayinValidationError,
} from '../../src/krayin/errors';

const EP = 'POST /contacts/persons';
const THROTTLE_HEADERS = {
  'content-type': 'application/json',
  'x-ratelimit-limit': '60',
  'x-ratelimit-remaining': '5',
};

function res(status: number, body: unknown, headers: Record<string, string> = {}): RawResponse {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers, text };
}

const debug500 = (exception: string) => ({ message: 'x', exception, file: '/f.php', line: 1, trace: [] });

describe('classifyFailure', () => {
  it('401 and 403 are auth errors, whatever the message text', () => {
    expect(classifyFailure(EP, res(401, { message: 'admin::app.common.unauthenticated' }))).toBeInstanceOf(
      KrayinAuthError,
    );
    expect(classifyFailure(EP, res(401, { message: 'You are not authenticated.' }))).toBeInstanceOf(KrayinAuthError);
    expect(classifyFailure(EP, res(403, ''))).toBeInstanceOf(KrayinAuthError);
  });

  it('a 500 carrying the unauthenticated message key is an auth error', () => {
    expect(classifyFailure(EP, res(500, { message: 'admin::app.common.unauthenticated' }))).toBeInstanceOf(
      KrayinAuthError,
    );
  });

  it('429 is rate limited with Retry-After seconds', () => {
    const e = classifyFailure(EP, res(429, debug500('ThrottleRequestsException'), { 'retry-after': '56' }));
    expect(e).toBeInstanceOf(KrayinRateLimitedError);
    expect((e as KrayinRateLimitedError).retryAfterSeconds).toBe(56);
  });

  it('429 without Retry-After has a null delay', () => {
    const e = classifyFailure(EP, res(429, ''));
    expect((e as KrayinRateLimitedError).retryAfterSeconds).toBeNull();
  });

  it('a production generic 500 without rate-limit headers may be a throttle: rate limited, null delay', () => {
    for (const message of ['admin::app.common.internal-server-error', 'An unexpected error occurred.']) {
      const e = classifyFailure(EP, res(500, { message }, { 'content-type': 'application/json' }));
      expect(e).toBeInstanceOf(KrayinRateLimitedError);
      expect((e as KrayinRateLimitedError).retryAfterSeconds).toBeNull();
    }
  });

  it('a production generic 500 that passed the throttle (rate-limit headers) is transient', () => {
    const e = classifyFailure(EP, res(500, { message: 'admin::app.common.internal-server-error' }, THROTTLE_HEADERS));
    expect(e).toBeInstanceOf(KrayinTransientError);
  });

  it('a debug-mode 500 with an exception body is transient', () => {
    expect(classifyFailure(EP, res(500, debug500('ErrorException')))).toBeInstanceOf(KrayinTransientError);
    expect(classifyFailure(EP, res(500, debug500('Illuminate\\Database\\QueryException')))).toBeInstanceOf(
      KrayinTransientError,
    );
  });

  it('never copies a debug body message (it can hold SQL with contact data) into the error', () => {
    const body = { ...debug500('Illuminate\\Database\\QueryException'), message: "where emails like '%jane@x.com%'" };
    const e = classifyFailure(EP, res(500, body));
    expect(e.message).not.toContain('jane');
    expect(e.message).toContain('QueryException');
  });

  it('an HTML 500 and 502/503/504 are transient', () => {
    expect(classifyFailure(EP, res(500, '<html>oops</html>'))).toBeInstanceOf(KrayinTransientError);
    for (const s of [502, 503, 504]) expect(classifyFailure(EP, res(s, ''))).toBeInstanceOf(KrayinTransientError);
  });

  it('422 is a validation error with the field errors', () => {
    const body = {
      message: 'The value has already been taken.',
      errors: { 'emails.0.value': ['The value has already been taken.'] },
    };
    const e = classifyFailure(EP, res(422, body)) as KrayinValidationError;
    expect(e).toBeInstanceOf(KrayinValidationError);
    expect(e.fieldErrors).toEqual(body.errors);
    expect(e.isUniqueViolation()).toBe(true);
    expect(e.message).toContain('emails.0.value');
  });

  it('404 is not found, in both styles', () => {
    expect(classifyFailure(EP, res(404, { message: 'admin::app.common.resource-not-found' }))).toBeInstanceOf(
      KrayinNotFoundError,
    );
    expect(classifyFailure(EP, res(404, debug500('NotFoundHttpException')))).toBeInstanceOf(KrayinNotFoundError);
  });

  it('419 (CSRF) is transient', () => {
    expect(classifyFailure(EP, res(419, { message: 'CSRF token mismatch.' }))).toBeInstanceOf(KrayinTransientError);
  });

  it('other 4xx cannot succeed as sent: validation; a redirect needs the operator: auth', () => {
    expect(
      classifyFailure(EP, res(400, { message: 'Participants have another meeting at this time.' })),
    ).toBeInstanceOf(KrayinValidationError);
    expect(classifyFailure(EP, res(405, debug500('MethodNotAllowedHttpException')))).toBeInstanceOf(
      KrayinValidationError,
    );
    expect(classifyFailure(EP, res(302, '<html>redirect</html>', { location: 'http://x' }))).toBeInstanceOf(
      KrayinAuthError,
    );
  });

  it('keeps the route template and status on the error', () => {
    const e = classifyFailure('GET /leads/{id}', res(404, ''));
    expect(e.endpoint).toBe('GET /leads/{id}');
    expect(e.status).toBe(404);
  });
});

describe('decodeResponse', () => {
  const schema = z.object({ data: z.object({ id: z.number() }) });

  it('returns the parsed body of a 2xx', () => {
    expect(decodeResponse(EP, res(200, { data: { id: 3 }, message: 'ok' }), schema)).toEqual({ data: { id: 3 } });
  });

  it.each([
    ['an empty body', ''],
    ['a whitespace body', '  \n'],
    ['a non-JSON body', '<html></html>'],
    ['a wrong shape', JSON.stringify({ data: { message: 'Organization delete failed.' } })],
    ['JSON null', 'null'],
  ])('a 2xx with %s is ambiguous', (_what, text) => {
    const e = (() => {
      try {
        decodeResponse(EP, { status: 200, headers: { 'content-type': 'text/html' }, text }, schema);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(KrayinAmbiguousError);
  });
});

describe('isShowMiss (GET of a person/organization that does not exist)', () => {
  it('recognises all three miss styles', () => {
    expect(isShowMiss(res(200, '', { 'content-type': 'text/html' }))).toBe(true);
    expect(isShowMiss(res(500, debug500('ErrorException'), THROTTLE_HEADERS))).toBe(true);
    expect(isShowMiss(res(500, { message: 'admin::app.common.internal-server-error' }, THROTTLE_HEADERS))).toBe(true);
    expect(isShowMiss(res(404, { message: 'admin::app.common.resource-not-found' }))).toBe(true);
  });

  it('does not mistake a throttle, a bad token or a database error for a miss', () => {
    expect(isShowMiss(res(500, { message: 'admin::app.common.internal-server-error' }))).toBe(false);
    expect(isShowMiss(res(500, debug500('Illuminate\\Database\\QueryException'), THROTTLE_HEADERS))).toBe(false);
    expect(isShowMiss(res(429, debug500('ThrottleRequestsException')))).toBe(false);
    expect(isShowMiss(res(401, { message: 'admin::app.common.unauthenticated' }))).toBe(false);
    expect(isShowMiss(res(200, { data: { id: 1 } }))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = new Date('2026-11-23T20:41:20Z');
    expect(parseRetryAfter('56', now)).toBe(56);
    expect(parseRetryAfter('Mon, 23 Nov 2026 20:41:50 GMT', now)).toBe(30);
    expect(parseRetryAfter('Mon, 23 Nov 2026 20:40:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});
