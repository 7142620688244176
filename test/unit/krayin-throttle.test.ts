import { KrayinRateLimitedError } from '../../src/krayin/errors';
import { RequestThrottle, type ThrottleTicket } from '../../src/krayin/throttle';

/** A fake clock: sleep() advances it, so waits are exact and instant. */
function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    advance: (ms: number) => (t += ms),
  };
}

/** One call that Krayin answered at once. */
async function send(throttle: RequestThrottle, endpoint: string): Promise<ThrottleTicket> {
  const ticket = await throttle.acquire(endpoint);
  await throttle.settle(ticket, { kind: 'counted' });
  return ticket;
}

describe('RequestThrottle', () => {
  it('lets requestsPerMinute requests through at once, then waits for the oldest to leave the window', async () => {
    const c = clock();
    const sent: number[] = [];
    const throttle = new RequestThrottle({ requestsPerMinute: 3, maxWaitMs: 120_000, ...c });
    for (let i = 0; i < 5; i++) {
      await send(throttle, 'GET /x');
      sent.push(c.now() - 1_000_000);
    }
    expect(sent).toEqual([0, 0, 0, 60_000, 60_000]);
  });

  it('never has more than requestsPerMinute requests in any 60 s window', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 10, maxWaitMs: 120_000, ...c });
    const sent: number[] = [];
    for (let i = 0; i < 47; i++) {
      c.advance((i * 7919) % 5000); // irregular arrivals
      await send(throttle, 'GET /x');
      sent.push(c.now());
    }
    for (const t of sent) expect(sent.filter((s) => s > t - 60_000 && s <= t).length).toBeLessThanOrEqual(10);
  });

  it('fails fast with the remaining wait when it exceeds maxWaitMs', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 1, maxWaitMs: 5_000, ...c });
    await send(throttle, 'GET /x');
    const err = await throttle.acquire('POST /leads').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KrayinRateLimitedError);
    expect((err as KrayinRateLimitedError).retryAfterSeconds).toBe(60);
    expect((err as KrayinRateLimitedError).endpoint).toBe('POST /leads');
    // The failed attempt took no slot.
    c.advance(60_000);
    await expect(send(throttle, 'GET /x')).resolves.toMatchObject({ probe: false });
  });

  it('sends nothing while Krayin asked us to wait (Retry-After), for every caller', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 100, maxWaitMs: 30_000, ...c });
    await rateLimit(throttle, 20);
    const t0 = c.now();
    const probe = await throttle.acquire('GET /a');
    expect(c.now() - t0).toBe(20_000);
    await rateLimit(throttle, 45, probe);
    await expect(throttle.acquire('GET /b')).rejects.toMatchObject({ retryAfterSeconds: 45 });
  });

  it('gives the slot back when the call never reached Krayin, keeps it when Krayin answered', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 2, maxWaitMs: 1_000, ...c });
    const refused = await throttle.acquire('GET /a');
    await throttle.settle(refused, { kind: 'not_counted' });
    const answered = await throttle.acquire('GET /a');
    await throttle.settle(answered, { kind: 'counted' });
    await throttle.acquire('GET /a');
    await expect(throttle.acquire('GET /a')).rejects.toBeInstanceOf(KrayinRateLimitedError);
  });

  it('counts a call until its answer, so a slow call holds its slot a window past the answer', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 1, maxWaitMs: 120_000, ...c });
    const slow = await throttle.acquire('GET /a');
    c.advance(3_000); // the answer comes 3 s later: Krayin may have counted it as late as that
    await throttle.settle(slow, { kind: 'counted' });
    const t0 = c.now();
    await throttle.acquire('GET /b');
    expect(c.now() - t0).toBe(60_000);
  });

  it('rejects a nonsensical budget', () => {
    expect(() => new RequestThrottle({ requestsPerMinute: 0 })).toThrow(RangeError);
  });
});

/** Takes a slot and settles it as "rate limited for `seconds`", like a 429 with Retry-After. */
async function rateLimit(throttle: RequestThrottle, seconds: number, ticket?: ThrottleTicket): Promise<void> {
  await throttle.settle(ticket ?? (await throttle.acquire('GET /limited')), {
    kind: 'rate_limited',
    retryAfterMs: seconds * 1000,
  });
}

describe('RequestThrottle after a rate-limit pause', () => {
  it('sends one probe first; the others wait for its answer and follow when it was not rate limited', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 100, maxWaitMs: 30_000, ...c });
    await rateLimit(throttle, 4);
    const probe = await throttle.acquire('GET /a');
    expect(probe.probe).toBe(true);
    await throttle.settle(probe, { kind: 'counted' });
    expect((await throttle.acquire('GET /b')).probe).toBe(false);
  });

  it('holds every other caller back while the probe is out (until it expires)', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 100, maxWaitMs: 2_000, callTimeoutMs: 15_000, ...c });
    await rateLimit(throttle, 4);
    c.advance(4_000);
    await throttle.acquire('GET /a'); // the probe, never answered
    await expect(throttle.acquire('GET /b')).rejects.toBeInstanceOf(KrayinRateLimitedError);
    // A probe whose caller died expires after the call timeout: the next call probes instead.
    c.advance(17_000);
    expect((await throttle.acquire('GET /c')).probe).toBe(true);
  });

  it('a probe that is rate limited again keeps the others waiting for the next pause', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 100, maxWaitMs: 30_000, ...c });
    await rateLimit(throttle, 4);
    const probe = await throttle.acquire('GET /a');
    await rateLimit(throttle, 6, probe); // the probe got 429 + Retry-After 6
    const t0 = c.now();
    const second = await throttle.acquire('GET /b');
    expect(second.probe).toBe(true); // the first request after the new pause probes again
    expect(c.now() - t0).toBe(6_000);
  });
});
