import { KrayinRateLimitedError } from '../../src/krayin/errors';
import { RequestThrottle } from '../../src/krayin/throttle';

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

describe('RequestThrottle', () => {
  it('lets requestsPerMinute requests through at once, then waits for the oldest to leave the window', async () => {
    const c = clock();
    const sent: number[] = [];
    const throttle = new RequestThrottle({ requestsPerMinute: 3, maxWaitMs: 120_000, ...c });
    for (let i = 0; i < 5; i++) {
      await throttle.acquire('GET /x');
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
      await throttle.acquire('GET /x');
      sent.push(c.now());
    }
    for (const t of sent) expect(sent.filter((s) => s > t - 60_000 && s <= t).length).toBeLessThanOrEqual(10);
  });

  it('fails fast with the remaining wait when it exceeds maxWaitMs', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 1, maxWaitMs: 5_000, ...c });
    await throttle.acquire('GET /x');
    const err = await throttle.acquire('POST /leads').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KrayinRateLimitedError);
    expect((err as KrayinRateLimitedError).retryAfterSeconds).toBe(60);
    expect((err as KrayinRateLimitedError).endpoint).toBe('POST /leads');
    // The failed attempt took no slot.
    c.advance(60_000);
    await expect(throttle.acquire('GET /x')).resolves.toEqual({ probe: false });
  });

  it('sends nothing while Krayin asked us to wait (Retry-After), for every caller', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 100, maxWaitMs: 30_000, ...c });
    throttle.pause(20);
    const t0 = c.now();
    await throttle.acquire('GET /a');
    expect(c.now() - t0).toBe(20_000);
    throttle.pause(45);
    await expect(throttle.acquire('GET /b')).rejects.toMatchObject({ retryAfterSeconds: 45 });
  });

  it('rejects a nonsensical budget', () => {
    expect(() => new RequestThrottle({ requestsPerMinute: 0 })).toThrow(RangeError);
  });
});

describe('RequestThrottle after a rate-limit pause', () => {
  it('sends one probe first; the others wait for its answer and follow when it was not rate limited', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 100, maxWaitMs: 30_000, ...c });
    throttle.pause(4);
    const probe = await throttle.acquire('GET /a');
    expect(probe.probe).toBe(true);
    let followed = false;
    const next = throttle.acquire('GET /b').then((t) => {
      followed = true;
      return t;
    });
    await new Promise((r) => setImmediate(r));
    expect(followed).toBe(false); // held back while the probe is out
    throttle.settle(probe, false);
    expect((await next).probe).toBe(false);
  });

  it('a probe that is rate limited again keeps the others waiting for the next pause', async () => {
    const c = clock();
    const throttle = new RequestThrottle({ requestsPerMinute: 100, maxWaitMs: 30_000, ...c });
    throttle.pause(4);
    const probe = await throttle.acquire('GET /a');
    const next = throttle.acquire('GET /b');
    throttle.pause(6); // the probe got 429 + Retry-After 6
    throttle.settle(probe, true);
    const t0 = c.now();
    const second = await next;
    expect(second.probe).toBe(true); // the first request after the new pause probes again
    expect(c.now() - t0).toBe(6_000);
  });
});
