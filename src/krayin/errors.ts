/**
 * Typed Krayin failures. Every Krayin answer that is not a usable success becomes one of these,
 * so activities can classify it without looking at HTTP details (see docs/architecture.md, "Failures").
 *
 * `endpoint` is a route template such as "POST /contacts/persons" or "GET /leads/{id}": it never
 * holds ids, emails or other contact data, so errors can be logged and shown in the Temporal UI.
 */
export type KrayinErrorKind = 'transient' | 'rate_limited' | 'validation' | 'auth' | 'not_found' | 'ambiguous';

export class KrayinError extends Error {
  readonly kind: KrayinErrorKind;
  readonly status: number | null;
  readonly endpoint: string;

  constructor(kind: KrayinErrorKind, endpoint: string, status: number | null, message: string) {
    super(message);
    this.name = new.target.name;
    this.kind = kind;
    this.endpoint = endpoint;
    this.status = status;
  }
}

/** Network error, timeout, 5xx (other than a possible rate limit), 419. Retry with backoff. */
export class KrayinTransientError extends KrayinError {
  constructor(endpoint: string, status: number | null, message: string) {
    super('transient', endpoint, status, message);
  }
}

/**
 * 429 with Retry-After (APP_DEBUG=true), or the generic 500 that a throttled Krayin answers with
 * APP_DEBUG=false (no Retry-After then: `retryAfterSeconds` is null and callers use their own floor).
 */
export class KrayinRateLimitedError extends KrayinError {
  readonly retryAfterSeconds: number | null;
  constructor(endpoint: string, status: number, retryAfterSeconds: number | null, message: string) {
    super('rate_limited', endpoint, status, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 422: the request can never succeed as sent. `fieldErrors` is Krayin's `errors` object. */
export class KrayinValidationError extends KrayinError {
  readonly fieldErrors: Record<string, string[]>;
  constructor(endpoint: string, fieldErrors: Record<string, string[]>, message: string) {
    super('validation', endpoint, 422, message);
    this.fieldErrors = fieldErrors;
  }
  /** True when every field error is a uniqueness violation ("has already been taken"). */
  isUniqueViolation(): boolean {
    const all = Object.values(this.fieldErrors).flat();
    return all.length > 0 && all.every((m) => /already been taken/i.test(m));
  }
}

/** 401/403 (or 500 with the "unauthenticated" key): the token is wrong or revoked. */
export class KrayinAuthError extends KrayinError {
  constructor(endpoint: string, status: number, message: string) {
    super('auth', endpoint, status, message);
  }
}

/** 404 on a record we addressed by id (a linked record was deleted in Krayin). */
export class KrayinNotFoundError extends KrayinError {
  constructor(endpoint: string, message: string) {
    super('not_found', endpoint, 404, message);
  }
}

/**
 * 2xx with an empty or non-JSON body (Krayin with APP_DEBUG=false hides 401/422/500 this way), or a
 * 2xx whose JSON does not have the documented shape. The write may or may not have happened:
 * callers must re-read before retrying a write.
 */
export class KrayinAmbiguousError extends KrayinError {
  /**
   * The request was sent and its answer never came (timeout, connection dropped mid-request): Krayin may
   * still be executing it. A re-read now could miss it; wait `settleSeconds` first.
   */
  readonly writeMayBeRunning: boolean;
  readonly settleSeconds: number | null;
  constructor(
    endpoint: string,
    status: number,
    message: string,
    opts: { writeMayBeRunning?: boolean; settleSeconds?: number } = {},
  ) {
    super('ambiguous', endpoint, status, message);
    this.writeMayBeRunning = opts.writeMayBeRunning ?? false;
    this.settleSeconds = opts.settleSeconds ?? null;
  }
}

export function isKrayinError(e: unknown): e is KrayinError {
  return e instanceof KrayinError;
}
