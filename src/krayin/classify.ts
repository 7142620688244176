/**
 * Pure classification of Krayin answers into the typed errors of errors.ts (table in README.md).
 *
 * Krayin has two error styles and both are handled (src/krayin/README.md §2):
 * - 2.1.0 rest-api handler with APP_DEBUG=false hides 401/422/500 as "200 + empty body", and answers a
 *   throttled request with a generic 500;
 * - 2.1.2 Admin handler with APP_DEBUG=false answers 500 `admin::app.common.internal-server-error` for
 *   bad tokens, PHP errors and throttling, 404 `admin::app.common.resource-not-found` for misses.
 * Debug-mode error bodies always carry `exception` (+ file, line, trace); production bodies never do.
 * Message *texts* are never interpreted, only the documented message keys.
 */
import { ZodError, type ZodType } from 'zod';
import {
  KrayinAmbiguousError,
  KrayinAuthError,
  KrayinError,
  KrayinNotFoundError,
  KrayinRateLimitedError,
  KrayinTransientError,
  KrayinValidationError,
} from './errors';
import { errorBodySchema } from './schemas';

/** One HTTP answer, fully read. Header names are lower-case. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** The body as text ('' when empty). */
  text: string;
}

export const MESSAGE_KEY_UNAUTHENTICATED = 'admin::app.common.unauthenticated';
export const MESSAGE_KEY_SERVER_ERROR = 'admin::app.common.internal-server-error';
export const MESSAGE_KEY_NOT_FOUND = 'admin::app.common.resource-not-found';

interface ErrorBody {
  message: string | null;
  /** Exception class of a debug-mode body; null in production bodies. */
  exception: string | null;
  errors: Record<string, string[]>;
}

/** Parses a body as JSON; undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readErrorBody(text: string): ErrorBody | null {
  const parsed = errorBodySchema.safeParse(parseJson(text));
  if (!parsed.success) return null;
  const { message, exception, errors } = parsed.data;
  return {
    message: typeof message === 'string' ? message : null,
    exception: typeof exception === 'string' ? exception : null,
    errors: fieldErrors(errors),
  };
}

/** Krayin's `errors` object (`{"emails.0.value": ["…"]}`), tolerating odd shapes. */
function fieldErrors(errors: unknown): Record<string, string[]> {
  if (!errors || typeof errors !== 'object' || Array.isArray(errors)) return {};
  const out: Record<string, string[]> = {};
  for (const [field, msgs] of Object.entries(errors as Record<string, unknown>)) {
    const list = Array.isArray(msgs) ? msgs : [msgs];
    out[field] = list.filter((m): m is string => typeof m === 'string');
  }
  return out;
}

/** Retry-After in whole seconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date = new Date()): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * Krayin adds X-RateLimit-* to every response that passed the throttle, and only to those
 * (src/krayin/README.md §3): such a response cannot be a rate limit.
 */
export function passedThrottle(res: RawResponse): boolean {
  return res.headers['x-ratelimit-limit'] !== undefined;
}

/** True for a 2xx answer. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Krayin-provided validation messages are kept (they name fields, not values); never the raw body. */
function validationMessage(endpoint: string, status: number, body: ErrorBody | null): string {
  const fields = Object.keys(body?.errors ?? {});
  const text = body?.message ? `: ${body.message.slice(0, 300)}` : '';
  return `${endpoint}: HTTP ${status} validation failed${fields.length ? ` (fields ${fields.join(', ')})` : ''}${text}`;
}

/**
 * Maps a non-2xx answer to a typed error. Never returns null: every status has a class.
 * Messages hold the route template, status and exception class only: debug bodies can hold SQL with
 * contact data, so their `message` is never copied.
 */
export function classifyFailure(endpoint: string, res: RawResponse, now: Date = new Date()): KrayinError {
  const { status } = res;
  const body = readErrorBody(res.text);
  const where = `${endpoint}: HTTP ${status}`;

  if (status === 401 || status === 403 || body?.message === MESSAGE_KEY_UNAUTHENTICATED) {
    return new KrayinAuthError(endpoint, status, `${where} not authenticated (token wrong or revoked)`);
  }
  if (status === 429 || (body?.exception ?? '').endsWith('ThrottleRequestsException')) {
    const retryAfter = parseRetryAfter(res.headers['retry-after'], now);
    return new KrayinRateLimitedError(endpoint, status, retryAfter, `${where} rate limited`);
  }
  if (status === 422) {
    return new KrayinValidationError(endpoint, body?.errors ?? {}, validationMessage(endpoint, status, body));
  }
  if (status === 404) return new KrayinNotFoundError(endpoint, `${where} not found`);
  // 419 is Laravel's CSRF "page expired" (only with Origin/Referer, which we never send); 408 a timeout.
  if (status === 419 || status === 408) return new KrayinTransientError(endpoint, status, `${where} retryable`);

  if (status === 500) {
    if (body?.exception) return new KrayinTransientError(endpoint, status, `${where} server error (${body.exception})`);
    if (body && !passedThrottle(res)) {
      // A production-mode generic 500 without rate-limit headers: a throttled Krayin looks exactly like this.
      return new KrayinRateLimitedError(endpoint, status, null, `${where} generic server error (possibly throttled)`);
    }
    return new KrayinTransientError(endpoint, status, `${where} server error`);
  }
  if (status >= 500) return new KrayinTransientError(endpoint, status, `${where} server unavailable`);

  if (status >= 300 && status < 400) {
    // We send Accept: application/json and never follow redirects, so Krayin itself does not redirect us:
    // a proxy, an https redirect or a login page does. Only the operator can fix that.
    return new KrayinAuthError(endpoint, status, `${where} redirected: check the Krayin URL and any proxy in front`);
  }
  // 400 (e.g. meeting overlap), 405 (wrong method), 409, 413, ...: the request cannot succeed as sent.
  return new KrayinValidationError(endpoint, body?.errors ?? {}, validationMessage(endpoint, status, body));
}

/**
 * A 2xx answer whose body must match `schema`. Empty, non-JSON or wrong-shaped bodies are ambiguous:
 * Krayin with APP_DEBUG=false (2.1.0) hides 401/422/500 as "200 + empty body", and a write may or
 * may not have happened.
 */
export function decodeSuccess<T>(endpoint: string, res: RawResponse, schema: ZodType<T>): T {
  const where = `${endpoint}: HTTP ${res.status}`;
  if (res.text.trim() === '') throw new KrayinAmbiguousError(endpoint, res.status, `${where} with an empty body`);
  const json = parseJson(res.text);
  if (json === undefined) throw new KrayinAmbiguousError(endpoint, res.status, `${where} with a non-JSON body`);
  try {
    return schema.parse(json);
  } catch (e) {
    const paths = e instanceof ZodError ? e.issues.slice(0, 5).map((i) => i.path.join('.') || '(root)') : [];
    throw new KrayinAmbiguousError(endpoint, res.status, `${where} with an unexpected shape at ${paths.join(', ')}`);
  }
}

/** Success or typed error for one answer. */
export function decodeResponse<T>(endpoint: string, res: RawResponse, schema: ZodType<T>, now?: Date): T {
  if (!isSuccess(res.status)) throw classifyFailure(endpoint, res, now);
  return decodeSuccess(endpoint, res, schema);
}

/**
 * Does this answer to GET /contacts/persons/{id} or /contacts/organizations/{id} mean "no such record"?
 * Krayin wraps a `find()` miss in a Resource, so a miss is not a 404 (src/krayin/README.md §2):
 * - 2.1.0 production: 200 with an empty body;
 * - debug: 500 ErrorException ("Attempt to read property on null");
 * - 2.1.2 production: 500 generic *with* rate-limit headers (it passed the throttle, so it is not one).
 * A 404 (a future Krayin that fixed this) is a miss too. Anything else is classified normally.
 */
export function isShowMiss(res: RawResponse): boolean {
  if (res.status === 404) return true;
  if (isSuccess(res.status)) return res.text.trim() === '';
  if (res.status !== 500) return false;
  const body = readErrorBody(res.text);
  if (!body) return false;
  if (body.exception !== null) return body.exception === 'ErrorException';
  return passedThrottle(res) && body.message !== MESSAGE_KEY_UNAUTHENTICATED;
}
