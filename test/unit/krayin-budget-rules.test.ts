import { countedByKrayin, EMPTY_BUDGET, settleSlot, takeSlot, type BudgetState } from '../../src/krayin/budget-rules';

const limits = { limit: 3, windowMs: 60_000, callTimeoutMs: 15_000 };

function takeAll(state: BudgetState, now: number, n: number): { state: BudgetState; granted: number } {
  let granted = 0;
  for (let i = 0; i < n; i++) {
    const r = takeSlot(state, now, limits, `t${now}-${i}`);
    state = r.state;
    if (r.granted) granted++;
  }
  return { state, granted };
}

describe('takeSlot', () => {
  it('grants a burst of the whole budget at once, then says how long until the first slot frees', () => {
    const { state, granted } = takeAll(EMPTY_BUDGET, 0, 3);
    expect(granted).toBe(3);
    const next = takeSlot(state, 100, limits, 'x');
    // In flight: counted until send + call timeout + window.
    expect(next).toMatchObject({ granted: false, waitMs: 15_000 + 60_000 - 100 });
  });

  it('frees a slot one window after the answer', () => {
    let { state } = takeAll(EMPTY_BUDGET, 0, 3);
    state = settleSlot(state, 500, 't0-0', false, { kind: 'counted' });
    expect(takeSlot(state, 60_499, limits, 'x').granted).toBe(false);
    expect(takeSlot(state, 60_500, limits, 'x').granted).toBe(true);
  });

  it('waits out a rate-limit pause, then grants exactly one probe until it is answered', () => {
    let state = settleSlot(takeAll(EMPTY_BUDGET, 0, 1).state, 10, 't0-0', false, {
      kind: 'rate_limited',
      retryAfterMs: 5_000,
    });
    expect(state.calls).toEqual([]); // a throttled call is not counted by Krayin
    expect(takeSlot(state, 1_000, limits, 'a')).toMatchObject({ granted: false, waitMs: 4_010 });
    const probe = takeSlot(state, 5_010, limits, 'p');
    expect(probe).toMatchObject({ granted: true, probe: true });
    state = probe.state;
    expect(takeSlot(state, 5_020, limits, 'b').granted).toBe(false);
    state = settleSlot(state, 5_100, 'p', true, { kind: 'counted' });
    expect(takeSlot(state, 5_100, limits, 'b')).toMatchObject({ granted: true, probe: false });
  });
});

describe('countedByKrayin', () => {
  it.each([
    [200, undefined, true],
    [404, undefined, true],
    [422, undefined, true],
    [500, undefined, true],
    [504, undefined, true],
    [401, undefined, false],
    [429, undefined, false],
    [502, undefined, false],
    [503, undefined, false],
    [null, 'ECONNREFUSED', false],
    [null, 'ECONNRESET', false],
    [null, 'UND_ERR_SOCKET', false],
    [null, 'UND_ERR_HEADERS_TIMEOUT', true],
    [null, undefined, true],
  ] as const)('status %s / %s -> %s', (status, code, counted) => {
    expect(countedByKrayin(status, code)).toBe(counted);
  });
});
