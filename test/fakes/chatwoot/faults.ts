/**
 * Fault injection for the fake Chatwoot: slow answers, error statuses with Chatwoot's (or a proxy's)
 * real bodies, and dropped connections. Faults apply before authentication, like a proxy in front.
 */
import type { Request, Response } from 'express';

export interface FakeFault {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Path without query: exact string or RegExp (any when absent), e.g. /\/contacts\/\d+$/. */
  path?: string | RegExp;
  /** Wait this long first; alone, the request is then served normally. */
  latencyMs?: number;
  /** Answer with this status instead of serving the request. */
  status?: number;
  /** Body for `status`; default what Chatwoot or its proxy sends for that status. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the connection without answering (Chatwoot down, connection reset). */
  down?: boolean;
  /** Number of matching requests this fault applies to; default every one. */
  times?: number;
}

export function matches(f: FakeFault, req: Request): boolean {
  if (f.times !== undefined && f.times <= 0) return false;
  if (f.method && f.method.toUpperCase() !== req.method) return false;
  if (f.path instanceof RegExp) return f.path.test(req.path);
  return f.path === undefined || f.path === req.path;
}

/** rack-attack's throttled answer is plain text without Retry-After; Rails API errors are JSON; proxies send HTML. */
function defaultBody(status: number): { type: string; body: string } {
  if (status === 429) return { type: 'text/plain', body: 'Retry later\n' };
  if (status === 401) return json({ error: 'Invalid Access Token' });
  if (status === 404) return json({ error: 'Resource could not be found' });
  if (status === 422) return json({ message: 'Validation failed', attributes: [] });
  if (status === 500) return json({ status: 500, error: 'Internal Server Error' });
  if (status >= 502 && status <= 504) {
    return { type: 'text/html', body: `<html><body><h1>${status}</h1>upstream unavailable</body></html>` };
  }
  return json({ error: `status ${status}` });
}

function json(v: unknown) {
  return { type: 'application/json; charset=utf-8', body: JSON.stringify(v) };
}

export function sendFault(f: FakeFault & { status: number }, res: Response): void {
  const fallback = defaultBody(f.status);
  const custom = f.body === undefined ? undefined : typeof f.body === 'string' ? f.body : JSON.stringify(f.body);
  const type = f.body === undefined ? fallback.type : typeof f.body === 'string' ? 'text/plain' : 'application/json';
  res
    .status(f.status)
    .set(f.headers ?? {})
    .type(type)
    .send(custom ?? fallback.body);
}
