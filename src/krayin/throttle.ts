/**
 * Per-connection request budget, so the service does not cause the 429s it would then retry. The rules
 * are in budget-rules.ts; this class applies them to a BudgetStateStore:
 *
 * - in this process only (InMemoryBudgetState: tests, one-off tools, a single embedded process), or
 * - in the store (src/store krayinBudgets), shared by every worker replica of the connection, so N
 *   replicas together spend ONE budget, pause together after a 429 and send one probe, not N.
 *
 * A request that would have to wait longer than `maxWaitMs` is not sent: it fails with
 * KrayinRateLimitedError carrying the remaining wait, and the activity is retried after it
 * (Temporal's nextRetryDelay), instead of holding a worker slot and its timeout.
 */
import { randomUUID } from 'node:crypto';
import { currentKrayinPriority } from './priority';
import {
  EMPTY_BUDGET,
  type CallPriority,
  settleSlot,
  takeSlot,
  type BudgetLimits,
  type BudgetState,
  type CallCount,
  type TakeResult,
} from './budget-rules';
import { KrayinRateLimitedError } from './errors';

/**
 * Where a connection's budget state lives. `update` runs `fn` on the current state atomically (no other
 * update of the connection in between, in any process) with the time of the state's clock, and keeps
 * what it returns.
 */
export interface BudgetStateStore {
  update<T>(
    connectionId: string,
    fn: (state: BudgetState, now: number) => { state: BudgetState; result: T },
  ): Promise<T>;
}

/** Budget state of this process only. */
export class InMemoryBudgetState implements BudgetStateStore {
  readonly #states = new Map<string, BudgetState>();
  constructor(private readonly now: () => number = Date.now) {}

  async update<T>(connectionId: string, fn: (state: BudgetState, now: number) => { state: BudgetState; result: T }) {
    const { state, result } = fn(this.#states.get(connectionId) ?? EMPTY_BUDGET, this.now());
    this.#states.set(connectionId, state);
    return result;
  }
}

export interface ThrottleOptions {
  requestsPerMinute: number;
  /** Krayin's window; 60 s in production, shorter in tests. */
  windowMs?: number;
  /** The client's call timeout: a call that got no answer may have reached Krayin until then. Default 15 s. */
  callTimeoutMs?: number;
  /** Longest in-process wait for a slot; longer waits fail fast. Default 5 s. */
  maxWaitMs?: number;
  /** Shared state (the store) and the connection it is kept under; default: this process only. */
  state?: BudgetStateStore;
  connectionId?: string;
  /** Clock of the in-memory state and of the wait deadline. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ThrottleTicket {
  id: string;
  /** This request is the first after a rate-limit pause: the others wait for its answer. */
  probe: boolean;
}

export class RequestThrottle {
  readonly requestsPerMinute: number;
  readonly #limits: BudgetLimits;
  readonly #maxWaitMs: number;
  readonly #state: BudgetStateStore;
  readonly #connectionId: string;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Serializes acquire() in this process so local callers take slots in order (and query the store one at a time). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: ThrottleOptions) {
    if (!Number.isInteger(opts.requestsPerMinute) || opts.requestsPerMinute < 1) {
      throw new RangeError('requestsPerMinute must be a positive integer');
    }
    this.requestsPerMinute = opts.requestsPerMinute;
    this.#limits = {
      limit: opts.requestsPerMinute,
      windowMs: opts.windowMs ?? 60_000,
      callTimeoutMs: opts.callTimeoutMs ?? 15_000,
    };
    this.#maxWaitMs = opts.maxWaitMs ?? 5_000;
    this.#now = opts.now ?? Date.now;
    this.#state = opts.state ?? new InMemoryBudgetState(this.#now);
    this.#connectionId = opts.connectionId ?? 'default';
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Waits for a slot (or throws KrayinRateLimitedError when the wait would be too long), then takes it.
   * Hand the ticket back to settle() once the answer is in.
   */
  acquire(endpoint: string, priority: CallPriority = currentKrayinPriority()): Promise<ThrottleTicket> {
    if (priority === 'background') return this.#takeBackground(endpoint);
    const turn = this.#queue.then(() => this.#take(endpoint));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** The call of `ticket` ended; `count` says whether Krayin's limiter counted it (budget-rules.ts). */
  async settle(ticket: ThrottleTicket | undefined, count: CallCount): Promise<void> {
    if (!ticket) return;
    await this.#state.update(this.#connectionId, (state, now) => ({
      state: settleSlot(state, now, ticket.id, ticket.probe, count),
      result: undefined,
    }));
  }

  async #take(endpoint: string): Promise<ThrottleTicket> {
    const deadline = this.#now() + this.#maxWaitMs;
    const id = randomUUID();
    for (;;) {
      const taken = await this.#state.update<TakeResult>(this.#connectionId, (state, now) => {
        const r = takeSlot(state, now, this.#limits, id);
        return { state: r.state, result: r };
      });
      if (taken.granted) return { id, probe: taken.probe };
      const left = deadline - this.#now();
      if (taken.waitMs > left) throw this.#budgetError(endpoint, taken.waitMs);
      await this.#sleep(taken.waitMs);
    }
  }

  /**
   * A background call tries once per turn of the local queue and waits OUTSIDE it, so live callers of
   * this process are never queued behind a backfill's wait.
   */
  async #takeBackground(endpoint: string): Promise<ThrottleTicket> {
    const deadline = this.#now() + this.#maxWaitMs;
    const id = randomUUID();
    for (;;) {
      const turn = this.#queue.then(() =>
        this.#state.update<TakeResult>(this.#connectionId, (state, now) => {
          const r = takeSlot(state, now, this.#limits, id, 'background');
          return { state: r.state, result: r };
        }),
      );
      this.#queue = turn.catch(() => undefined);
      const taken = await turn;
      if (taken.granted) return { id, probe: taken.probe };
      const left = deadline - this.#now();
      if (taken.waitMs > left) throw this.#budgetError(endpoint, taken.waitMs);
      await this.#sleep(taken.waitMs);
    }
  }

  #budgetError(endpoint: string, waitMs: number): KrayinRateLimitedError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new KrayinRateLimitedError(
      endpoint,
      0,
      seconds,
      `${endpoint}: request budget of this connection used up (${this.requestsPerMinute}/min or a Krayin Retry-After); next slot in ${seconds}s`,
    );
  }
}
