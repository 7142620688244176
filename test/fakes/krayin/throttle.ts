/**
 * Laravel's RateLimiter as `throttle:api` uses it: a fixed window per key that opens on the first
 * hit and lasts the decay time; every request that reaches the throttle counts, whatever its
 * outcome. Krayin keys it by user id (one bucket for every endpoint), by IP when unauthenticated.
 */

export interface ThrottleResult {
  allowed: boolean;
  limit: number;
  /** Remaining attempts after this hit (0 when throttled). */
  remaining: number;
  /** Seconds until the window resets (only when throttled). */
  retryAfter: number;
  /** Epoch seconds of the reset (only when throttled). */
  resetAt: number;
}

interface Bucket {
  hits: number;
  expiresAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  private bucket(key: string, now: number): Bucket | undefined {
    const b = this.buckets.get(key);
    if (b && b.expiresAt <= now) {
      this.buckets.delete(key);
      return undefined;
    }
    return b;
  }

  /** tooManyAttempts() then hit(): counts the request unless it is throttled. */
  attempt(key: string, max: number, decayMs: number, now = Date.now()): ThrottleResult {
    let b = this.bucket(key, now);
    if (b && b.hits >= max) {
      const retryAfter = Math.max(0, Math.ceil((b.expiresAt - now) / 1000));
      return { allowed: false, limit: max, remaining: 0, retryAfter, resetAt: Math.floor(now / 1000) + retryAfter };
    }
    if (!b) {
      b = { hits: 0, expiresAt: now + decayMs };
      this.buckets.set(key, b);
    }
    b.hits += 1;
    return { allowed: true, limit: max, remaining: Math.max(0, max - b.hits), retryAfter: 0, resetAt: 0 };
  }

  /** Attempts left now (Laravel computes the header after the controller ran). */
  remaining(key: string, max: number, now = Date.now()): number {
    const b = this.bucket(key, now);
    return Math.max(0, max - (b?.hits ?? 0));
  }

  reset(): void {
    this.buckets.clear();
  }
}

/** Headers of a ThrottleRequestsException (APP_DEBUG=true renders them on the 429). */
export function throttledHeaders(r: ThrottleResult): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(r.limit),
    'X-RateLimit-Remaining': '0',
    'Retry-After': String(r.retryAfter),
    'X-RateLimit-Reset': String(r.resetAt),
  };
}
