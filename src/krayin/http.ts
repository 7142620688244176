/**
 * The transport: one instance per connection, bound to that connection's base URL and token, so a token
 * can only ever travel to its own Krayin (a peer integration's shared base URL once sent one tenant's
 * token to another tenant's CRM; src/krayin/README.md, "Tenant isolation"). undici `request` with
 * connect/headers/body timeouts plus an overall AbortSignal deadline.
 *
 * Always sends `Accept: application/json` (without it Krayin renders auth and validation failures as
 * redirects or HTML) and the Bearer token; never `Origin`/`Referer` (Sanctum would treat a write as an
 * SPA request and answer 419; src/krayin/README.md §1). Redirects are never followed.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { isKrayinError, KrayinAmbiguousError, KrayinRateLimitedError, KrayinTransientError } from './errors';
import { countedByKrayin, type CallCount } from './budget-rules';
import type { RequestThrottle } from './throttle';
import type { RawResponse } from './classify';
import { toWellFormed } from './limits';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What the metrics hook sees for every HTTP call: a route template, never ids or contact data. */
export interface KrayinCallInfo {
  endpoint: string;
  /** HTTP status, or null when no answer arrived (network error, timeout). */
  status: number | null;
  durationMs: number;
  /** 'ok', 'miss' (a lookup that found nothing), or the KrayinErrorKind of the failure. */
  outcome: string;
}

export interface KrayinHttpOptions {
  /** API base, e.g. http://127.0.0.1:8000/api/v1 */
  baseUrl: string;
  token: string;
  /** Deadline for one call: connect + headers + body. Default 15 s. */
  timeoutMs?: number;
  /** Own dispatcher (tests, proxies); its connect timeout is then the caller's business. */
  dispatcher?: Dispatcher;
  onCall?: (c: KrayinCallInfo) => void;
  /** The connection's request budget (shared by every client of the connection in this process). */
  throttle?: RequestThrottle;
  /** Wait after a rate-limited answer that names no Retry-After (Krayin's production 500). Default 10 s. */
  rateLimitFloorSeconds?: number;
  /**
   * How long a write whose answer never came may still be running in Krayin (PHP's max_execution_time,
   * the proxy's read timeout). The retry re-reads only after this. Default 60 s.
   */
  writeSettleMs?: number;
}

export interface KrayinRequest {
  method: HttpMethod;
  /** Route template for errors and metrics, e.g. "GET /contacts/persons/{id}". */
  endpoint: string;
  /** Path below the base URL, query included and already encoded, e.g. "/contacts/persons/7". */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
const USER_AGENT = 'chatwoot-krayin-sync';

/** Validates and normalises a base URL: http(s), no credentials, query or fragment; no trailing slash. */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError('Krayin baseUrl is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('Krayin baseUrl must be http(s)');
  if (url.username || url.password) throw new TypeError('Krayin baseUrl must not contain credentials');
  if (url.search || url.hash) throw new TypeError('Krayin baseUrl must not have a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

/** Failures before the request could be sent: nothing can have happened in Krayin. */
const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

function neverReachedKrayin(e: unknown): boolean {
  let err = e as { code?: unknown; cause?: unknown } | undefined;
  for (let i = 0; err && i < 3; i++, err = err.cause as typeof err) {
    if (typeof err.code === 'string' && CONNECT_PHASE_CODES.has(err.code)) return true;
  }
  return false;
}

/** The innermost error code of a network failure (undici wraps the socket's), if any. */
function networkErrorCode(e: unknown): string | undefined {
  let err = e as { code?: unknown; cause?: unknown } | undefined;
  let code: string | undefined;
  for (let i = 0; err && i < 3; i++, err = err.cause as typeof err) {
    if (typeof err.code === 'string') code = err.code;
  }
  return code;
}

/** Error codes and class names only: undici messages are fine, but codes are all we need and never leak. */
function describeNetworkError(e: unknown, timedOut: boolean, timeoutMs: number): string {
  const err = e as { code?: unknown; name?: unknown };
  const code = typeof err?.code === 'string' ? err.code : typeof err?.name === 'string' ? err.name : 'unknown';
  if (timedOut || /TIMEOUT/i.test(code) || code === 'AbortError' || code === 'TimeoutError') {
    return `timed out after ${timeoutMs} ms (${code})`;
  }
  return `network error (${code})`;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export class KrayinHttp {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #origin: string;
  readonly #token: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #onCall: ((c: KrayinCallInfo) => void) | undefined;
  readonly #throttle: RequestThrottle | undefined;
  readonly #rateLimitFloorSeconds: number;
  readonly #writeSettleMs: number;

  constructor(opts: KrayinHttpOptions) {
    this.baseUrl = normalizeBaseUrl(opts.baseUrl);
    this.#origin = new URL(this.baseUrl).origin;
    if (!/^[\x21-\x7e]+$/.test(opts.token)) throw new TypeError('Krayin token must be non-empty visible ASCII');
    this.#token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) throw new TypeError('timeoutMs must be positive');
    this.#onCall = opts.onCall;
    this.#throttle = opts.throttle;
    this.#rateLimitFloorSeconds = opts.rateLimitFloorSeconds ?? 10;
    this.#writeSettleMs = opts.writeSettleMs ?? 60_000;
    this.#ownsDispatcher = opts.dispatcher === undefined;
    this.#dispatcher =
      opts.dispatcher ??
      new Agent({ connect: { timeout: this.timeoutMs }, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs });
  }

  /**
   * Sends one request and hands the fully read answer to `interpret` (which decodes or throws a typed
   * error). Network failures and timeouts become KrayinTransientError (KrayinAmbiguousError for a
   * write that may have reached Krayin); anything untyped that
   * `interpret` throws becomes KrayinAmbiguousError. Reports the call to `onCall` either way.
   */
  async exchange<T>(req: KrayinRequest, interpret: (res: RawResponse) => T): Promise<T> {
    const ticket = await this.#throttle?.acquire(req.endpoint);
    const started = performance.now();
    let status: number | null = null;
    let outcome = 'ok';
    const network: { code?: string } = {};
    let count: CallCount | undefined;
    try {
      const res = await this.#send(req, network);
      status = res.status;
      let value: T;
      try {
        value = interpret(res);
      } catch (e) {
        if (isKrayinError(e)) throw e;
        throw new KrayinAmbiguousError(req.endpoint, res.status, `${req.endpoint}: HTTP ${res.status} not understood`);
      }
      if (value === null) outcome = 'miss';
      return value;
    } catch (e) {
      outcome = isKrayinError(e) ? e.kind : 'error';
      // Krayin's limit is per user: every other call of this connection (in every replica) must hold off too.
      if (e instanceof KrayinRateLimitedError) {
        count = { kind: 'rate_limited', retryAfterMs: (e.retryAfterSeconds ?? this.#rateLimitFloorSeconds) * 1000 };
      }
      throw e;
    } finally {
      count ??= countedByKrayin(status, network.code) ? { kind: 'counted' } : { kind: 'not_counted' };
      // The budget's store being down must not turn an answered call into a failure: the slot then
      // simply stays counted until its window ends.
      await this.#throttle?.settle(ticket, count).catch(() => undefined);
      this.#report({ endpoint: req.endpoint, status, durationMs: performance.now() - started, outcome });
    }
  }

  /** The request URL, guaranteed to stay on this connection's origin (the token goes nowhere else). */
  #url(req: KrayinRequest): string {
    const url = this.baseUrl + req.path;
    if (!req.path.startsWith('/') || new URL(url).origin !== this.#origin) {
      throw new TypeError(`${req.endpoint}: request path must stay below the Krayin base URL`);
    }
    return url;
  }

  /** `network.code` gets the error code when no answer came (for the budget: did Krayin see it?). */
  async #send(req: KrayinRequest, network: { code?: string }): Promise<RawResponse> {
    const url = this.#url(req);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.#token}`,
      'user-agent': USER_AGENT,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body, (_k, v: unknown) => (typeof v === 'string' ? toWellFormed(v) : v));
    }
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;

    const signal = AbortSignal.timeout(this.timeoutMs);
    let status: number | null = null;
    try {
      const res = await request(url, {
        method: req.method,
        headers,
        body,
        signal,
        dispatcher: this.#dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      const text = await res.body.text();
      return { status: res.statusCode, headers: flattenHeaders(res.headers), text };
    } catch (e) {
      network.code = networkErrorCode(e);
      const what = describeNetworkError(e, signal.aborted, this.timeoutMs);
      // A write that reached Krayin and got no answer may still land: retrying it blindly would
      // duplicate it, so it is ambiguous (re-read after it had time to finish), not transient.
      if (req.method !== 'GET' && !neverReachedKrayin(e)) {
        throw new KrayinAmbiguousError(
          req.endpoint,
          status ?? 0,
          `${req.endpoint}: ${what}; the write may still complete`,
          {
            writeMayBeRunning: true,
            settleSeconds: Math.ceil(this.#writeSettleMs / 1000),
          },
        );
      }
      throw new KrayinTransientError(req.endpoint, status, `${req.endpoint}: ${what}`);
    }
  }

  #report(info: KrayinCallInfo): void {
    if (!this.#onCall) return;
    try {
      this.#onCall(info);
    } catch {
      // A broken metrics hook must never fail a Krayin call.
    }
  }

  /** Closes the connection pool this instance created (a caller-supplied dispatcher is left alone). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }
}
