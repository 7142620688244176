/**
 * Turns a burst of Krayin hints into few poll signals: per connection, at most one signal starts in any
 * `windowMs` window. The first hint of a quiet period is signalled at once (and its caller learns whether
 * Temporal took it); hints arriving while a signal is in flight or within the window are merged into one
 * trailing signal sent when the window ends, so the last change of a burst is always followed by a poll.
 *
 * Krayin calls its webhooks synchronously with no timeout (src/krayin/README.md §14): the leading send is
 * bounded by `timeoutMs`, and coalesced hints never wait at all. After a failed send, hints fail at once
 * for `failureBackoffMs` (one Krayin save in that period waits for a Temporal that is down, not every one),
 * and a trailing send is tried when that period is over.
 */
import type { PollHint } from '../../workflows/krayin-poll-api';

export type HintSender = (connectionId: string, hint: PollHint) => Promise<void>;

export interface HintCoalescerOptions {
  /** Minimum time between the starts of two signals of one connection. */
  windowMs: number;
  /** The leading send fails with HintTimeoutError after this long. */
  timeoutMs: number;
  /** After a failed send, hints are refused at once (HintUnavailableError) for this long. */
  failureBackoffMs: number;
  /** A trailing send failed (nobody waits for it: logged; the poll's own interval catches up). */
  onTrailingError?: (connectionId: string, err: unknown) => void;
  now?: () => number;
}

export type HintOutcome = 'signalled' | 'coalesced';

export class HintTimeoutError extends Error {
  constructor(ms: number) {
    super(`the poll signal was not accepted within ${ms} ms`);
    this.name = 'HintTimeoutError';
  }
}

/** A send failed moments ago: this hint is not tried now (it is kept for a trailing send). */
export class HintUnavailableError extends Error {
  constructor() {
    super('the last poll signal failed moments ago; not trying again yet');
    this.name = 'HintUnavailableError';
  }
}

interface ConnectionHints {
  /** When the last signal started (successful or not, so a failing Temporal is not hammered). */
  lastStartAt: number;
  inFlight: boolean;
  /** Until then a hint is refused at once: the last send failed. */
  failedUntil: number;
  /** Hints waiting for the trailing signal, merged. */
  pending: PollHint | null;
  timer: NodeJS.Timeout | null;
}

/** Two hints of different entities make one hint of no particular entity. */
export function mergeHints(a: PollHint | null, b: PollHint): PollHint {
  if (!a || a.entity === b.entity) return b;
  return { source: b.source };
}

export class HintCoalescer {
  readonly #send: HintSender;
  readonly #opts: HintCoalescerOptions;
  readonly #now: () => number;
  readonly #connections = new Map<string, ConnectionHints>();
  #closed = false;

  constructor(send: HintSender, opts: HintCoalescerOptions) {
    this.#send = send;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Resolves with what happened to the hint; rejects when its (leading) signal failed or timed out. */
  async offer(connectionId: string, hint: PollHint): Promise<HintOutcome> {
    const c = this.#state(connectionId);
    if (this.#now() < c.failedUntil) {
      c.pending = mergeHints(c.pending, hint);
      this.#scheduleTrailing(connectionId, c);
      throw new HintUnavailableError();
    }
    if (c.inFlight || this.#now() - c.lastStartAt < this.#opts.windowMs) {
      c.pending = mergeHints(c.pending, hint);
      this.#scheduleTrailing(connectionId, c);
      return 'coalesced';
    }
    await this.#sendNow(connectionId, c, hint);
    return 'signalled';
  }

  /** Stops pending trailing signals (shutdown, tests). */
  close(): void {
    this.#closed = true;
    for (const c of this.#connections.values()) {
      if (c.timer) clearTimeout(c.timer);
      c.timer = null;
      c.pending = null;
    }
  }

  #state(connectionId: string): ConnectionHints {
    let c = this.#connections.get(connectionId);
    if (!c) {
      c = { lastStartAt: Number.NEGATIVE_INFINITY, inFlight: false, failedUntil: 0, pending: null, timer: null };
      this.#connections.set(connectionId, c);
    }
    return c;
  }

  async #sendNow(connectionId: string, c: ConnectionHints, hint: PollHint): Promise<void> {
    c.inFlight = true;
    c.lastStartAt = this.#now();
    try {
      await withTimeout(this.#send(connectionId, hint), this.#opts.timeoutMs);
      c.failedUntil = 0;
    } catch (err) {
      c.failedUntil = this.#now() + this.#opts.failureBackoffMs;
      throw err;
    } finally {
      c.inFlight = false;
      if (c.pending) this.#scheduleTrailing(connectionId, c);
    }
  }

  /** One timer per connection, due when the window since the last start (and any failure backoff) is over. */
  #scheduleTrailing(connectionId: string, c: ConnectionHints): void {
    if (this.#closed || c.timer || c.inFlight) return;
    const delay = Math.max(0, c.lastStartAt + this.#opts.windowMs - this.#now(), c.failedUntil - this.#now());
    c.timer = setTimeout(() => {
      c.timer = null;
      const hint = c.pending;
      c.pending = null;
      if (!hint || this.#closed) return;
      this.#sendNow(connectionId, c, hint).catch((err: unknown) => this.#opts.onTrailingError?.(connectionId, err));
    }, delay);
    c.timer.unref();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HintTimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
