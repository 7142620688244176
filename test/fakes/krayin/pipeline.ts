/**
 * One API request through Krayin's stack, in Laravel's order:
 * route match (404/405) -> auth:sanctum (401) -> throttle:api (429) -> controller -> exception
 * rendering -> X-RateLimit-* headers on everything that passed the throttle.
 * Returns the response to send; never throws.
 */
import type { Ctx, Reply } from './context';
import { KrayinError, redirectPage, renderError } from './errors';
import type { FaultSpec } from './faults';
import { phpJsonEncode } from './php';
import type { KrayinRequest } from './request';
import { matchRoute } from './router';
import { splitToken, sha256 } from './seed';
import type { State, UserRow } from './state';
import { RateLimiter, throttledHeaders } from './throttle';

export interface Outgoing {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface PipelineConfig {
  state: State;
  limiter: RateLimiter;
  appDebug: boolean;
  /** Requests per minute per user; 0 disables the throttle (and its headers). */
  rateLimit: number;
  tz: string;
}

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=UTF-8';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Outgoing {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: phpJsonEncode(body) };
}

/** Laravel's bearerToken(): the text after the last "Bearer ", cut at a comma. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const at = header.lastIndexOf('Bearer ');
  if (at < 0) return null;
  const token = header.slice(at + 7);
  const comma = token.indexOf(',');
  return comma >= 0 ? token.slice(0, comma) : token;
}

/** Sanctum PersonalAccessToken::findToken + its tokenable user. */
export function authenticate(state: State, header: string | undefined): UserRow | null {
  const token = bearerToken(header);
  if (!token) return null;
  const { id, plain } = splitToken(token);
  const row =
    id === null
      ? state.tokens.find((t) => t.hash === sha256(token))
      : state.tokens.find((t) => t.id === id && t.hash === sha256(plain));
  return row ? (state.user(row.user_id) ?? null) : null;
}

function render(e: unknown, cfg: PipelineConfig, req: KrayinRequest): Outgoing {
  let err: KrayinError;
  if (e instanceof KrayinError) err = e;
  else {
    // A bug in the fake: surface it like a PHP Error so it is visible, and log it for the developer.
    console.error('[fake-krayin] unexpected error', e);
    err = KrayinError.php('Error', e instanceof Error ? e.message : String(e), '/fake-krayin', 0);
  }
  const r = renderError(err, cfg.appDebug, req.expectsJson, req.origin);
  return r.html
    ? { status: r.status, headers: { 'Content-Type': HTML_TYPE, ...r.headers }, body: String(r.body) }
    : json(r.status, r.body, r.headers);
}

function fromReply(reply: Reply): Outgoing {
  if (reply.redirect !== undefined) {
    return {
      status: reply.status,
      headers: { 'Content-Type': HTML_TYPE, Location: reply.redirect },
      body: redirectPage(reply.redirect),
    };
  }
  return json(reply.status, reply.body);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  419: 'Page Expired',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** An injected `status` fault: what Krayin (or the proxy in front of it) would send. */
function injectedStatus(status: number, cfg: PipelineConfig, req: KrayinRequest): Outgoing {
  const reason = REASONS[status] ?? 'Error';
  if (status === 502 || status === 504) {
    const body = `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
    return { status, headers: { 'Content-Type': 'text/html' }, body };
  }
  if (status === 401) return json(401, { message: 'admin::app.common.unauthenticated' });
  if (status === 500)
    return render(
      KrayinError.php('ErrorException', 'Injected failure (fake Krayin fault)', '/fake-krayin', 0),
      cfg,
      req,
    );
  if (cfg.appDebug) return render(KrayinError.http(status, reason), cfg, req);
  const messages: Record<number, string> = {
    403: 'admin::app.common.forbidden-error',
    404: 'admin::app.common.resource-not-found',
    503: 'admin::app.common.something-went-wrong',
  };
  return json(status, { message: messages[status] ?? 'admin::app.common.internal-server-error' });
}

function emptyOk(headers: Record<string, string> = {}): Outgoing {
  return { status: 200, headers: { 'Content-Type': HTML_TYPE, ...headers }, body: '' };
}

export function runPipeline(
  cfg: PipelineConfig,
  req: KrayinRequest,
  isApi: boolean,
  fault: FaultSpec | null,
): Outgoing {
  if (fault?.kind === 'status') return injectedStatus(fault.status ?? 500, cfg, req);
  if (fault?.kind === 'rate_limit') {
    const retryAfter = Math.round(fault.retryAfter ?? 60);
    const headers = throttledHeaders({
      allowed: false,
      limit: cfg.rateLimit || 60,
      remaining: 0,
      retryAfter,
      resetAt: Math.floor(Date.now() / 1000) + retryAfter,
    });
    return render(KrayinError.throttled(headers), cfg, req);
  }

  let throttleKey: string | null = null;
  let out: Outgoing;
  try {
    const laravelPath = `api/v1${req.path}`.replace(/\/+$/, '');
    if (!isApi) throw KrayinError.routeNotFound(req.path.replace(/^\/+/, '') || '/');
    const match = matchRoute(req.method, req.path);
    if (match.kind === 'not_found') throw KrayinError.routeNotFound(laravelPath);
    if (match.kind === 'not_allowed') throw KrayinError.methodNotAllowed(req.method, laravelPath, match.allowed);
    if (match.kind === 'options')
      return { status: 200, headers: { Allow: match.allowed.join(','), 'Content-Type': HTML_TYPE }, body: '' };
    const { route, params } = match;
    req.params = params;
    let user: UserRow | null = null;
    if (route.auth !== false) {
      user = authenticate(cfg.state, req.headers.authorization);
      if (!user) throw KrayinError.unauthenticated();
    }
    if (cfg.rateLimit > 0) {
      const key = user ? `user:${user.id}` : `ip:${req.remoteAddress}`;
      const r = cfg.limiter.attempt(`api:${key}`, cfg.rateLimit, 60_000);
      if (!r.allowed) throw KrayinError.throttled(throttledHeaders(r));
      throttleKey = `api:${key}`;
      if (route.throttle) {
        const inner = cfg.limiter.attempt(`route:${key}`, route.throttle.max, route.throttle.decayMs);
        if (!inner.allowed) throw KrayinError.throttled(throttledHeaders(inner));
      }
    }
    if (fault?.kind === 'empty_200') {
      out = emptyOk();
    } else {
      const ctx: Ctx = { state: cfg.state, req, user, tz: cfg.tz, apiBase: `${req.origin}/api/v1` };
      out = fromReply(route.handler(ctx));
    }
  } catch (e) {
    out = render(e, cfg, req);
  }
  if (fault?.kind === 'empty_200_after_write') out = emptyOk();
  if (throttleKey !== null) {
    out.headers['X-RateLimit-Limit'] = String(cfg.rateLimit);
    out.headers['X-RateLimit-Remaining'] = String(cfg.limiter.remaining(throttleKey, cfg.rateLimit));
  }
  return out;
}
