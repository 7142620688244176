/**
 * Per-connection request budget, so the service does not cause the 429s it would then retry:
 *
 * - at most `requestsPerMinute` requests in any 60-second window (a sliding log: Krayin counts
 *   60 per minute per user, and a sliding window never exceeds a fixed one);
 * - after Krayin says "rate limited" (429 + Retry-After, or the generic production 500), no request
 *   at all until that time has passed, for every activity of this connection in this process; then
 *   one request goes first as a probe, and the others follow only once it was not rate limited
 *   (otherwise a whole queue of waiting requests would hit a still-throttled Krayin at once).
 *
 * A request that would have to wait longer than `maxWaitMs` is not sent: it fails with
 * KrayinRateLimitedError carrying the remaining wait, and the activity is retried after it
 * (Temporal's nextRetryDelay), instead of holding a worker slot and its timeout.
 */
import { KrayinRateLimitedError } from './errors';

export interface ThrottleOptions {
  requestsPerMinute: number;
  /** Longest in-process wait for a slot; longer waits fail fast. Default 5 s. */
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const WINDOW_MS = 60_000;

export class RequestThrottle {
  readonly requestsPerMinute: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Send times of the requests in the current window, oldest first. */
  private readonly sent: number[] = [];
  private blockedUntil = 0;
  /** After a rate-limit pause: 'needed' until one request goes out, 'inflight' until it is settled. */
  private probe: 'none' | 'needed' | 'inflight' = 'none';
  private probeSettled: (() => void)[] = [];
  /** Serializes acquire() so concurrent callers take slots in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: ThrottleOptions) {
    if (!Number.isInteger(opts.requestsPerMinute) || opts.requestsPerMinute < 1) {
      throw new RangeError('requestsPerMinute must be a positive integer');
    }
    this.requestsPerMinute = opts.requestsPerMinute;
    this.maxWaitMs = opts.maxWaitMs ?? 5_000;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Waits for a slot (or throws KrayinRateLimitedError when the wait would be too long), then takes it.
   * Hand the ticket back to settle() once the answer is in.
   */
  acquire(endpoint: string): Promise<ThrottleTicket> {
    const turn = this.queue.then(() => this.take(endpoint));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** The request of `ticket` was answered; `rateLimited` when Krayin throttled it. */
  settle(ticket: ThrottleTicket | undefined, rateLimited: boolean): void {
    if (!ticket?.probe) return;
    this.probe = rateLimited ? 'needed' : 'none';
    this.probeSettled.splice(0).forEach((wake) => wake());
  }

  /** Krayin rate-limited us: stop sending until `seconds` from now, then probe with one request. */
  pause(seconds: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + seconds * 1000);
    if (this.probe === 'none') this.probe = 'needed';
  }

  /** Milliseconds until the next request may be sent (0 = now). */
  waitMs(): number {
    const now = this.now();
    while (this.sent.length > 0 && this.sent[0]! <= now - WINDOW_MS) this.sent.shift();
    const windowWait = this.sent.length < this.requestsPerMinute ? 0 : this.sent[0]! + WINDOW_MS - now;
    return Math.max(windowWait, this.blockedUntil - now, 0);
  }

  private async take(endpoint: string): Promise<ThrottleTicket> {
    for (;;) {
      const wait = this.waitMs();
      if (wait > this.maxWaitMs) throw this.budgetError(endpoint, wait);
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      if (this.probe === 'inflight') {
        if (!(await this.probeResult(this.maxWaitMs))) throw this.budgetError(endpoint, this.maxWaitMs);
        continue;
      }
      this.sent.push(this.now());
      if (this.probe === 'needed') {
        this.probe = 'inflight';
        return { probe: true };
      }
      return { probe: false };
    }
  }

  /** Resolves true when the probe was settled within `ms`. */
  private probeResult(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.probeSettled.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private budgetError(endpoint: string, waitMs: number): KrayinRateLimitedError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new KrayinRateLimitedError(
      endpoint,
      0,
      seconds,
      `${endpoint}: request budget of this connection used up (${this.requestsPerMinute}/min or a Krayin Retry-After); next slot in ${seconds}s`,
    );
  }
}

export interface ThrottleTicket {
  /** This request is the first after a rate-limit pause: the others wait for its answer. */
  probe: boolean;
}
