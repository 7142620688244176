import { FixedWindowLimiter } from '../../src/chatwoot-app/rate-limit';

describe('the dashboard app context limit (fixed window per key)', () => {
  it('allows `limit` requests per window and key, then says how long to wait', () => {
    const limiter = new FixedWindowLimiter({ limit: 3, windowMs: 60_000 });
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('default|10.0.0.1', t0))).toEqual([null, null, null]);
    expect(limiter.take('default|10.0.0.1', t0 + 500)).toBe(60);
    expect(limiter.take('default|10.0.0.1', t0 + 59_001)).toBe(1);
    // Another address, or another connection, has its own allowance.
    expect(limiter.take('default|10.0.0.2', t0)).toBeNull();
    expect(limiter.take('other|10.0.0.1', t0)).toBeNull();
    // A new window starts after windowMs.
    expect(limiter.take('default|10.0.0.1', t0 + 60_000)).toBeNull();
  });
});
