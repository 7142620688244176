/**
 * Injected failures, so product tests can exercise retries, backoff and ambiguous writes.
 * A fault matches on method and a regex over the path after /api/v1, and applies to `times`
 * matching requests and/or for `forMs` from when it was added. Latency faults add up and let the
 * request continue; of the other kinds, the first matching fault (in the order added) decides.
 *
 * - down: the socket is destroyed as soon as the request head arrives (nothing read, nothing done);
 * - reset: the request is read, then the socket is destroyed before any response (nothing done);
 * - status / rate_limit: answered before auth and throttle (no bucket use, nothing done);
 * - empty_200: auth and throttle run (like Krayin's hidden errors), the operation does not;
 * - empty_200_after_write: the operation runs, the answer is replaced by an empty 200.
 * Control endpoints (/__fake) are never subject to faults.
 */

export type FaultKind = 'latency' | 'status' | 'rate_limit' | 'down' | 'empty_200' | 'empty_200_after_write' | 'reset';

export const FAULT_KINDS: FaultKind[] = [
  'latency',
  'status',
  'rate_limit',
  'down',
  'empty_200',
  'empty_200_after_write',
  'reset',
];

export type FaultSpec = {
  /** Match this method (default: any). */
  method?: string;
  /** Regex source matched against the path after /api/v1 (default: any). */
  path?: string;
  kind: FaultKind;
  /** How many matching requests it applies to (default: unlimited). */
  times?: number;
  /** Or: active for this long from when it was set. */
  forMs?: number;
  /** latency */
  delayMs?: number;
  /** status: e.g. 500, 502, 503, answered with a Krayin-like body for the mode. */
  status?: number;
  /** rate_limit: Retry-After seconds (debug 429 + Retry-After; production: generic 500, no header). */
  retryAfter?: number;
};

interface ActiveFault {
  spec: FaultSpec;
  regex: RegExp | null;
  remaining: number;
  until: number;
}

/** Checks a spec from an untrusted source (the HTTP control endpoint); returns an error text. */
export function faultSpecError(f: unknown): string | null {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return 'a fault must be an object';
  const spec = f as Record<string, unknown>;
  if (!FAULT_KINDS.includes(spec.kind as FaultKind)) return `kind must be one of ${FAULT_KINDS.join(', ')}`;
  for (const k of ['times', 'forMs', 'delayMs', 'status', 'retryAfter']) {
    if (
      spec[k] !== undefined &&
      (typeof spec[k] !== 'number' || !Number.isFinite(spec[k] as number) || (spec[k] as number) < 0)
    ) {
      return `${k} must be a non-negative number`;
    }
  }
  if (spec.method !== undefined && typeof spec.method !== 'string') return 'method must be a string';
  if (spec.path !== undefined) {
    if (typeof spec.path !== 'string') return 'path must be a regex source string';
    try {
      new RegExp(spec.path);
    } catch {
      return 'path is not a valid regex';
    }
  }
  if (
    spec.kind === 'status' &&
    (spec.status === undefined || (spec.status as number) < 100 || (spec.status as number) > 599)
  ) {
    return 'a status fault needs status 100..599';
  }
  return null;
}

export interface FaultDecision {
  delayMs: number;
  /** The deciding non-latency fault, if any. */
  fault: FaultSpec | null;
  /** Kinds applied, for the request log ("latency", "latency,status", ...). */
  label: string | undefined;
}

export class FaultStore {
  private active: ActiveFault[] = [];

  add(specs: FaultSpec[], now = Date.now()): void {
    for (const spec of specs) {
      const err = faultSpecError(spec);
      if (err) throw new Error(`invalid fault: ${err}`);
      this.active.push({
        spec: { ...spec },
        regex: spec.path === undefined ? null : new RegExp(spec.path),
        remaining: spec.times ?? Number.POSITIVE_INFINITY,
        until: spec.forMs === undefined ? Number.POSITIVE_INFINITY : now + spec.forMs,
      });
    }
  }

  clear(): void {
    this.active = [];
  }

  list(): FaultSpec[] {
    this.prune(Date.now());
    return this.active.map((f) => ({ ...f.spec }));
  }

  private prune(now: number): void {
    this.active = this.active.filter((f) => f.remaining > 0 && f.until > now);
  }

  private matches(f: ActiveFault, method: string | null, path: string | null): boolean {
    if (f.spec.method !== undefined && (method === null || f.spec.method.toUpperCase() !== method.toUpperCase()))
      return false;
    if (f.regex && (path === null || !f.regex.test(path))) return false;
    return true;
  }

  /** Faults for one request; consumes `times` of every fault that applies. */
  take(method: string, path: string, now = Date.now()): FaultDecision {
    this.prune(now);
    let delayMs = 0;
    const kinds: string[] = [];
    let fault: FaultSpec | null = null;
    for (const f of this.active) {
      if (!this.matches(f, method, path)) continue;
      if (f.spec.kind === 'latency') {
        delayMs += f.spec.delayMs ?? 0;
        f.remaining -= 1;
        kinds.push('latency');
      } else if (!fault) {
        fault = f.spec;
        f.remaining -= 1;
        kinds.push(f.spec.kind);
      }
    }
    return { delayMs, fault, label: kinds.length ? kinds.join(',') : undefined };
  }
}
