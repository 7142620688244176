/**
 * The ingest JSON answers. Every non-2xx answer is `{error, reason}` (plus `issues` for 422), and
 * Express's own failures (body-parser, bad URLs, unknown routes) are mapped onto the same format:
 * never Express's HTML page, never a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { IngestCounters, IngestLogger } from './types';

export type RejectionError =
  | 'bad_request'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_payload'
  | 'internal'
  | 'unavailable';

export interface Rejection {
  status: number;
  error: RejectionError;
  reason: string;
}

/** What happened to a request, for metrics (read by the app's observer when the answer is sent). */
export interface IngestOutcome {
  outcome: 'accepted' | 'duplicate' | 'held' | 'ignored' | 'rejected';
  reason?: string;
}

export function setOutcome(res: Response, o: IngestOutcome): void {
  res.locals.ingestOutcome = o;
}

export function reject(res: Response, counters: IngestCounters, r: Rejection, extra: object = {}): void {
  counters.rejected[r.reason] = (counters.rejected[r.reason] ?? 0) + 1;
  setOutcome(res, { outcome: 'rejected', reason: r.reason });
  res.status(r.status).json({ error: r.error, reason: r.reason, ...extra });
}

export function ignore(res: Response, counters: IngestCounters, reason: string): void {
  counters.ignored[reason] = (counters.ignored[reason] ?? 0) + 1;
  setOutcome(res, { outcome: 'ignored', reason });
  res.status(202).json({ status: 'ignored', reason });
}

/** A disabled connection's verified, valid event, kept in the store until `catch-up` delivers it. */
export function hold(res: Response, counters: IngestCounters, deliveryId: string): void {
  counters.held += 1;
  setOutcome(res, { outcome: 'held', reason: 'connection_disabled' });
  res.status(202).json({ status: 'held', reason: 'connection_disabled', deliveryId });
}

/** body-parser error `type`s -> our answer. Anything else with a 4xx status is a generic bad request. */
const BODY_PARSER_ERRORS: Record<string, Rejection> = {
  'entity.too.large': { status: 413, error: 'payload_too_large', reason: 'body_too_large' },
  'request.aborted': { status: 400, error: 'bad_request', reason: 'request_aborted' },
  'request.size.invalid': { status: 400, error: 'bad_request', reason: 'request_size_invalid' },
  'encoding.unsupported': { status: 415, error: 'unsupported_media_type', reason: 'content_encoding_unsupported' },
  'charset.unsupported': { status: 415, error: 'unsupported_media_type', reason: 'charset_unsupported' },
};

export function notFoundHandler(counters: IngestCounters): RequestHandler {
  return (_req, res) => reject(res, counters, { status: 404, error: 'not_found', reason: 'no_route' });
}

export function errorHandler(counters: IngestCounters, logger: IngestLogger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const e = (err ?? {}) as { type?: unknown; status?: unknown; statusCode?: unknown; name?: unknown };
    const known = typeof e.type === 'string' ? BODY_PARSER_ERRORS[e.type] : undefined;
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
    const rejection: Rejection =
      known ??
      (status >= 400 && status < 500
        ? { status, error: 'bad_request', reason: 'bad_request' }
        : { status: 500, error: 'internal', reason: 'internal_error' });
    // Route and error class only: the error message of a parse failure can quote the body.
    const log = {
      method: req.method,
      route: req.route?.path ?? null,
      status: rejection.status,
      reason: rejection.reason,
    };
    if (rejection.status >= 500)
      logger.error({ ...log, errorName: String(e.name ?? 'Error') }, 'ingest request failed');
    else logger.warn(log, 'ingest request rejected');
    reject(res, counters, rejection);
  };
}
