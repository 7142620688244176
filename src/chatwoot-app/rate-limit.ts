/**
 * A fixed-window request limit per key (the dashboard app keys it by connection and client address):
 * `limit` requests per `windowMs`, then "wait this many seconds" until the window ends. In memory,
 * per process: each replica counts its own requests (good enough against a script hammering
 * POST .../context, whose every request costs a Chatwoot API call).
 */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

/** POST .../context: 30 a minute per connection and client address. */
export const CONTEXT_RATE_LIMIT: RateLimitOptions = { limit: 30, windowMs: 60_000 };

/** Windows kept before expired ones are swept. */
const SWEEP_AT = 10_000;

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly options: RateLimitOptions) {}

  /** null: allowed (and counted); otherwise the seconds until the key may try again. */
  take(key: string, now: number): number | null {
    const { limit, windowMs } = this.options;
    let window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) {
      if (this.windows.size >= SWEEP_AT) this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= limit) return Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    window.count += 1;
    return null;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.options.windowMs) this.windows.delete(key);
  }
}
