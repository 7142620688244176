/**
 * Live calls before background ones (a backfill): background takes leave a reserve of the window to live
 * traffic, and take nothing while a live caller waits. Pure rules (src/krayin/budget-rules.ts).
 */
import {
  backgroundReserve,
  EMPTY_BUDGET,
  LIVE_WAIT_GRACE_MS,
  settleSlot,
  takeSlot,
  type BudgetState,
  type CallPriority,
} from '../../src/krayin/budget-rules';

const limits = { limit: 50, windowMs: 60_000, callTimeoutMs: 15_000 };

function take(state: BudgetState, now: number, n: number, priority: CallPriority) {
  let granted = 0;
  for (let i = 0; i < n; i++) {
    const r = takeSlot(state, now, limits, `${priority}-${now}-${i}`, priority);
    state = r.state;
    if (r.granted) granted++;
  }
  return { state, granted };
}

describe('backgroundReserve', () => {
  it('is 5% of the limit, at least 1', () => {
    expect(backgroundReserve(50)).toBe(3);
    expect(backgroundReserve(60)).toBe(3);
    expect(backgroundReserve(300)).toBe(15);
    expect(backgroundReserve(500)).toBe(25);
    expect(backgroundReserve(5)).toBe(1);
    expect(backgroundReserve(1)).toBe(1);
  });
});

describe('takeSlot with priorities', () => {
  it('background alone takes limit - reserve slots of a window (>= 95%), live then still has the reserve', () => {
    const bg = take(EMPTY_BUDGET, 0, 100, 'background');
    expect(bg.granted).toBe(47);
    const live = take(bg.state, 10, 100, 'live');
    expect(live.granted).toBe(3);
  });

  it('a refused background caller is told when enough slots free up, and leaves no live marker', () => {
    const bg = take(EMPTY_BUDGET, 0, 47, 'background');
    const r = takeSlot(bg.state, 1_000, limits, 'x', 'background');
    expect(r).toMatchObject({ granted: false });
    // In flight: counted until send + callTimeout; free a window after that.
    if (!r.granted) expect(r.waitMs).toBe(15_000 + 60_000 - 1_000);
    expect(r.state.liveWaitingUntil ?? 0).toBe(0);
  });

  it('a live caller refused (window full) makes background callers hold back until its turn is over', () => {
    let state = take(EMPTY_BUDGET, 0, 50, 'live').state;
    // Every call answered at t=100: each counts until 100, so slots free at 60_100.
    for (const [ticket] of state.calls) state = settleSlot(state, 100, ticket, false, { kind: 'counted' });
    const refused = takeSlot(state, 1_000, limits, 'live-wait', 'live');
    expect(refused.granted).toBe(false);
    expect(refused.state.liveWaitingUntil).toBe(60_100 + LIVE_WAIT_GRACE_MS);

    // The window has room again, but the live caller has not had its turn: background waits for it.
    const early = takeSlot(refused.state, 60_200, limits, 'bg', 'background');
    expect(early).toMatchObject({ granted: false, waitMs: 60_100 + LIVE_WAIT_GRACE_MS - 60_200 });
    const live = takeSlot(refused.state, 60_200, limits, 'live-again', 'live');
    expect(live.granted).toBe(true);
    // After the marker: background takes again.
    expect(takeSlot(live.state, 60_100 + LIVE_WAIT_GRACE_MS, limits, 'bg2', 'background').granted).toBe(true);
  });

  it('live calls are unchanged: the whole window, bursts included', () => {
    expect(take(EMPTY_BUDGET, 0, 60, 'live').granted).toBe(50);
  });

  it('a 429 pause keeps the live marker', () => {
    let state = takeSlot(EMPTY_BUDGET, 0, limits, 't', 'live').state;
    state = { ...state, liveWaitingUntil: 5_000 };
    const after = settleSlot(state, 10, 't', false, { kind: 'rate_limited', retryAfterMs: 1_000 });
    expect(after.liveWaitingUntil).toBe(5_000);
  });
});
