/**
 * Typed Chatwoot REST failures, so activities classify without looking at HTTP details.
 * `endpoint` is a route template such as "GET /contacts/{id}": never ids, tokens or contact data,
 * so errors can be logged and shown in the Temporal UI as they are.
 */
export type ChatwootErrorKind = 'transient' | 'rate_limited' | 'validation' | 'auth' | 'not_found' | 'unexpected';

export class ChatwootError extends Error {
  readonly kind: ChatwootErrorKind;
  readonly status: number | null;
  readonly endpoint: string;

  constructor(kind: ChatwootErrorKind, endpoint: string, status: number | null, message: string) {
    super(message);
    this.name = new.target.name;
    this.kind = kind;
    this.endpoint = endpoint;
    this.status = status;
  }
}

/** Network error, timeout, 5xx. Retry with backoff. */
export class ChatwootTransientError extends ChatwootError {
  constructor(endpoint: string, status: number | null, message: string) {
    super('transient', endpoint, status, message);
  }
}

/**
 * 429 from rack-attack ("Retry later", plain text). Chatwoot sets no Retry-After (src/chatwoot/README.md §6),
 * so `retryAfterSeconds` is usually null and callers back off on their own.
 */
export class ChatwootRateLimitedError extends ChatwootError {
  readonly retryAfterSeconds: number | null;
  constructor(endpoint: string, retryAfterSeconds: number | null, message: string) {
    super('rate_limited', endpoint, 429, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 401/403: wrong or revoked token, or a token (e.g. an agent bot's) that may not use this endpoint. */
export class ChatwootAuthError extends ChatwootError {
  constructor(endpoint: string, status: number, message: string) {
    super('auth', endpoint, status, message);
  }
}

/** 422: `{"message", "attributes"}` (validation) or `{"error"}`. `attributes` are field names only. */
export class ChatwootValidationError extends ChatwootError {
  readonly attributes: string[];
  constructor(endpoint: string, attributes: string[], message: string) {
    super('validation', endpoint, 422, message);
    this.attributes = attributes;
  }
}

/**
 * 404 where absence is not an answer (a conversation's messages, the account itself). A missing
 * contact or conversation is not an error: those getters resolve null.
 */
export class ChatwootNotFoundError extends ChatwootError {
  constructor(endpoint: string, message: string) {
    super('not_found', endpoint, 404, message);
  }
}

/** Any other status, or a 2xx whose body does not have the documented shape. Not retryable as is. */
export class ChatwootUnexpectedResponseError extends ChatwootError {
  constructor(endpoint: string, status: number, message: string) {
    super('unexpected', endpoint, status, message);
  }
}

export function isChatwootError(e: unknown): e is ChatwootError {
  return e instanceof ChatwootError;
}
