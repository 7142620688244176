/**
 * The rules of a connection's Krayin request budget, as plain functions over plain state, so the same
 * rules run on state kept in this process (tests, one-off tools) or in the store (every replica).
 *
 * What Krayin counts (its `throttle:api` middleware, Laravel's RateLimiter; see src/krayin/README.md
 * "Rate limit"): a fixed window per user that opens on the first counted request and lasts 60 s; a
 * request counts when it passes the throttle, whatever the controller then answers (2xx, 404, 422,
 * 500). It does not count: a request refused by auth (401: auth runs before the throttle), a throttled
 * one (429, or the production 500 that means the same), a route that does not exist, maintenance mode
 * (503), and anything that never reached Krayin (connection refused, reset before an answer, a proxy's
 * 502/503). Those get their slot back, so a Krayin outage does not use the budget up.
 *
 * Why a call stays counted until its ANSWER time (not its send time): Krayin counted it when it arrived,
 * somewhere between our send and its answer. Counting each call until `answer + window` (in flight:
 * `send + callTimeout + window`, an upper bound) means no N+1 calls can ever land inside one of
 * Krayin's windows, whatever the network jitter; a sliding log over send times could. Bursts are
 * allowed up to what is left, like Krayin's own limiter.
 */

export type ProbeState = 'none' | 'needed' | 'inflight';

/** One call that may still count: its ticket and until when (ms since the epoch). */
export type CountedCall = readonly [ticket: string, countedUntil: number];

export interface BudgetState {
  calls: CountedCall[];
  /**
   * A live caller was refused a slot and waits until about then (ms since the epoch): background callers
   * take nothing before it, so a backfill never makes a live webhook wait longer. Absent: 0.
   */
  liveWaitingUntil?: number;
  /** After a 429: nothing is sent before this (ms since the epoch). */
  blockedUntil: number;
  /** After a pause, one call goes first; the others wait until its answer (or until it expires). */
  probe: ProbeState;
  probeExpires: number;
}

export const EMPTY_BUDGET: BudgetState = { calls: [], blockedUntil: 0, probe: 'none', probeExpires: 0 };

export interface BudgetLimits {
  /** Calls per window (Krayin: 60 per user per minute by default). */
  limit: number;
  /** Krayin's window: 60 s. Tests pass a short one. */
  windowMs: number;
  /** Longest a call can take before it is abandoned: the latest it can arrive at Krayin. */
  callTimeoutMs: number;
}

/** How often a caller looks again while another replica's probe is out. */
export const PROBE_POLL_MS = 250;

/**
 * Who a call is for. `live`: a webhook's sync (the whole window). `background`: a round made only of
 * backfill events, which takes what live traffic leaves: never the last `backgroundReserve` slots, and
 * nothing while a live caller waits.
 */
export type CallPriority = 'live' | 'background';

/**
 * Slots of the window background calls leave free: 5% (at least 1), so a pure backfill uses up to 95%.
 * Live traffic does not depend on this cushion to go first (a refused live caller stops background
 * calls until its turn, `liveWaitingUntil`); the cushion only lets a webhook that arrives during a
 * backfill start without waiting: 3 slots at Krayin's default 60/min, one new contact's first calls.
 * At 10% a backfill could never reach the 90% of the budget it is meant to sustain: the cap was the
 * target, so every window that fell short of it pulled the average below.
 */
export function backgroundReserve(limit: number): number {
  return Math.max(1, Math.ceil(limit * 0.05));
}

/** How long a refused live caller's marker outlives its wait: covers its retry (a poll, a Temporal retry). */
export const LIVE_WAIT_GRACE_MS = 2_000;

export type TakeResult =
  { granted: true; probe: boolean; state: BudgetState } | { granted: false; waitMs: number; state: BudgetState };

/** Takes a slot for `ticket` at `now`, or says how long to wait for one. */
export function takeSlot(
  state: BudgetState,
  now: number,
  limits: BudgetLimits,
  ticket: string,
  priority: CallPriority = 'live',
): TakeResult {
  const calls = state.calls.filter(([, until]) => until > now - limits.windowMs);
  const pruned: BudgetState = { ...state, calls };
  const refuse = (waitMs: number): TakeResult => {
    if (priority === 'background') return { granted: false, waitMs, state: pruned };
    // A live caller waits: background callers hold back until it has had its turn.
    const until = Math.max(pruned.liveWaitingUntil ?? 0, now + waitMs + LIVE_WAIT_GRACE_MS);
    return { granted: false, waitMs, state: { ...pruned, liveWaitingUntil: until } };
  };
  if (now < state.blockedUntil) return refuse(state.blockedUntil - now);
  const probeOut = state.probe === 'inflight' && state.probeExpires > now;
  if (probeOut) return refuse(Math.min(PROBE_POLL_MS, state.probeExpires - now));
  if (priority === 'background') {
    const liveWaiting = (state.liveWaitingUntil ?? 0) - now;
    if (liveWaiting > 0) return refuse(liveWaiting);
    // A limit too small for a reserve still lets one background call through at a time.
    const cap = Math.max(1, limits.limit - backgroundReserve(limits.limit));
    if (calls.length >= cap) {
      const untils = calls.map(([, until]) => until).sort((a, b) => a - b);
      const freeing = untils[calls.length - cap]!;
      return refuse(Math.max(1, freeing + limits.windowMs - now));
    }
  }
  if (calls.length >= limits.limit) {
    const oldest = Math.min(...calls.map(([, until]) => until));
    return refuse(Math.max(1, oldest + limits.windowMs - now));
  }
  // 'needed', or an 'inflight' probe whose caller never answered (its process died): this call probes.
  const probe = state.probe !== 'none';
  return {
    granted: true,
    probe,
    state: {
      ...pruned,
      calls: [...calls, [ticket, now + limits.callTimeoutMs]],
      probe: probe ? 'inflight' : 'none',
      probeExpires: probe ? now + limits.callTimeoutMs + 1_000 : 0,
    },
  };
}

/** How a call ended, as far as Krayin's limiter is concerned. */
export type CallCount =
  | { kind: 'counted' }
  | { kind: 'not_counted' }
  /** Krayin throttled it (not counted either): pause every caller for `retryAfterMs`, then probe. */
  | { kind: 'rate_limited'; retryAfterMs: number };

/** Records the answer of the call holding `ticket` (taken at `now` - its duration). */
export function settleSlot(
  state: BudgetState,
  now: number,
  ticket: string,
  wasProbe: boolean,
  count: CallCount,
): BudgetState {
  const calls =
    count.kind === 'counted'
      ? state.calls.map((c): CountedCall => (c[0] === ticket ? [ticket, Math.min(c[1], now)] : c))
      : state.calls.filter(([t]) => t !== ticket);
  if (count.kind === 'rate_limited') {
    return {
      calls,
      ...(state.liveWaitingUntil ? { liveWaitingUntil: state.liveWaitingUntil } : {}),
      blockedUntil: Math.max(state.blockedUntil, now + count.retryAfterMs),
      probe: 'needed',
      probeExpires: 0,
    };
  }
  const probeDone = wasProbe && state.probe === 'inflight';
  return probeDone ? { ...state, calls, probe: 'none', probeExpires: 0 } : { ...state, calls };
}

/** Network error codes meaning the request never reached Krayin's PHP (so its limiter never saw it). */
const NEVER_ARRIVED_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/**
 * Whether Krayin's limiter counted a call that got `status` (null: no answer, with `errorCode`).
 * A timeout counts (the request reached Krayin and is running); a 404 counts (a missing record is
 * answered by the controller, after the throttle; only a missing route is not, and it cannot be told
 * apart cheaply, so the budget errs on the safe side).
 */
export function countedByKrayin(status: number | null, errorCode: string | undefined): boolean {
  if (status === null) return errorCode === undefined || !NEVER_ARRIVED_CODES.has(errorCode);
  return !(status === 401 || status === 429 || status === 502 || status === 503);
}
