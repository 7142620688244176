/**
 * POST /webhooks/krayin/:connection/:token: Krayin's own workflow webhook as a hint that something
 * changed there. It carries no ids (Krayin cannot send them), so nothing in it is trusted or stored: it
 * only asks the connection's Krayin poll to run now (pollNowSignal, coalesced by HintCoalescer).
 *
 * Krayin calls webhooks synchronously inside its user's request, with no timeout, and ignores the
 * answer: so this answers within milliseconds (a coalesced hint) or within HINT_SIGNAL_TIMEOUT_MS
 * (the first hint of a quiet period waits for Temporal to take the signal; 503 when it does not).
 * The body is form-encoded (always, whatever the webhook's payload type) and may hold names and emails
 * when an operator added placeholders: only the `entity` field is read, and the body is never logged.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { tokensEqual } from '../codec/bearer-auth';
import { krayinHintsEnabled } from '../config/krayin-hooks';
import type { ConnectionConfig } from '../config/schema';
import type { PollHint } from '../../workflows/krayin-poll-api';
import { HintCoalescer, HintUnavailableError } from './hint-coalescer';
import { reject, type IngestOutcome } from './responses';
import type { IngestCounters, IngestDeps, IngestLogger, KrayinHintObservation } from './types';

export const KRAYIN_HINT_ROUTE = '/webhooks/krayin/:connection/:token';
/** Our own installs send `entity=<type>`; a webhook an operator filled with placeholders stays small too. */
export const HINT_BODY_LIMIT = 16 * 1024;
/** At most one poll signal per connection starts in any such window (a burst becomes <= 2 signals). */
export const HINT_COALESCE_MS = 1_000;
/** How long Krayin's request may wait for Temporal on the first hint of a quiet period. */
export const HINT_SIGNAL_TIMEOUT_MS = 2_000;
/** After a failed signal, hints are answered 503 at once for this long (then one trailing try). */
export const HINT_FAILURE_BACKOFF_MS = 10_000;

/** Asks a connection's Krayin poll to run now (src/temporal/krayin-poll-hints.ts). */
export interface KrayinPollHints {
  pollNow(connectionId: string, hint: PollHint): Promise<void>;
}

const ENTITIES = ['leads', 'persons', 'activities'] as const;

interface HintRouteContext {
  deps: IngestDeps;
  counters: IngestCounters;
  logger: IngestLogger;
  connections: ReadonlyMap<string, ConnectionConfig>;
}

type Locals = { connection: ConnectionConfig };

export function krayinHintRouter(ctx: HintRouteContext): Router {
  const router = express.Router();
  const hints = ctx.deps.krayinHints;
  const coalescer = hints
    ? new HintCoalescer((id, hint) => hints.pollNow(id, hint), {
        windowMs: HINT_COALESCE_MS,
        timeoutMs: HINT_SIGNAL_TIMEOUT_MS,
        failureBackoffMs: HINT_FAILURE_BACKOFF_MS,
        onTrailingError: (connectionId, err) =>
          ctx.logger.warn({ connectionId, errorName: errorName(err) }, 'coalesced Krayin hint not signalled'),
      })
    : null;
  router.post(
    KRAYIN_HINT_ROUTE,
    observe(ctx),
    findConnection(ctx),
    express.raw({ type: () => true, limit: HINT_BODY_LIMIT, inflate: false }),
    (req, res) => handleHint(ctx, coalescer, req, res as Response<unknown, Locals>),
  );
  router.all(KRAYIN_HINT_ROUTE, observe(ctx), (_req, res) => {
    res.setHeader('Allow', 'POST');
    reject(res, ctx.counters, { status: 405, error: 'method_not_allowed', reason: 'method_not_allowed' });
  });
  return router;
}

/**
 * Reports every hint request's outcome once its answer is sent (cks_krayin_hints_total), the body-size
 * and other Express errors included: they answer through reject() too. Never the token or the body.
 */
function observe(ctx: HintRouteContext): RequestHandler {
  return (req, res, next) => {
    const observer = ctx.deps.observeHint;
    if (!observer) return next();
    // Read now: once an error leaves this router (413), Express has put the parent's params back.
    const connection = ctx.connections.has(String(req.params.connection)) ? String(req.params.connection) : 'unknown';
    res.once('finish', () => {
      // This route's own outcomes, else a rejection answered by reject() (here or in the app's error handler).
      const rejected = res.locals.ingestOutcome as IngestOutcome | undefined;
      const o: HintAnswer = (res.locals.hintOutcome as HintAnswer | undefined) ?? {
        outcome: 'rejected',
        reason: rejected?.reason ?? 'internal_error',
      };
      observer({ connection, ...o });
    });
    next();
  };
}

type HintAnswer = Omit<KrayinHintObservation, 'connection'>;

function setHintOutcome(res: Response, o: HintAnswer): void {
  res.locals.hintOutcome = o;
}

/** Before the body is read. A connection without a token has no such endpoint: 404, like an unknown one. */
function findConnection(ctx: HintRouteContext): RequestHandler {
  return (req, res, next) => {
    const connection = ctx.connections.get(String(req.params.connection));
    if (!connection || !krayinHintsEnabled(connection)) {
      reject(res, ctx.counters, { status: 404, error: 'not_found', reason: 'unknown_connection' });
      return;
    }
    const expected = connection.krayinHooks.token as string;
    if (!tokensEqual(String(req.params.token), expected)) {
      ctx.logger.warn({ connectionId: connection.id }, 'Krayin hint URL token rejected');
      reject(res, ctx.counters, { status: 401, error: 'unauthorized', reason: 'bad_url_token' });
      return;
    }
    (res.locals as Locals).connection = connection;
    next();
  };
}

async function handleHint(
  ctx: HintRouteContext,
  coalescer: HintCoalescer | null,
  req: Request,
  res: Response<unknown, Locals>,
): Promise<void> {
  const connection = res.locals.connection;
  const connectionId = connection.id;
  if (!(await isEnabled(ctx, connection))) {
    setHintOutcome(res, { outcome: 'ignored', reason: 'connection_disabled' });
    res.status(202).json({ status: 'ignored', reason: 'connection_disabled' });
    return;
  }
  if (!coalescer) {
    ctx.logger.error({ connectionId }, 'Krayin hint received but this process cannot signal the poll');
    return reject(res, ctx.counters, { status: 503, error: 'unavailable', reason: 'hints_unavailable' });
  }
  const entity = entityOf(req);
  const hint: PollHint = entity ? { source: 'krayin-webhook', entity } : { source: 'krayin-webhook' };
  try {
    const outcome = await coalescer.offer(connectionId, hint);
    if (outcome === 'signalled') ctx.logger.info({ connectionId, entity: entity ?? null }, 'Krayin hint: poll now');
    setHintOutcome(res, { outcome: outcome === 'signalled' ? 'accepted' : 'coalesced' });
    res.status(202).json({ status: outcome === 'signalled' ? 'accepted' : 'coalesced' });
  } catch (err) {
    // Once per failure, not once per hint of the backoff that follows it.
    if (!(err instanceof HintUnavailableError)) {
      ctx.logger.error({ connectionId, errorName: errorName(err) }, 'Krayin hint not signalled; answering 503');
    }
    reject(res, ctx.counters, { status: 503, error: 'unavailable', reason: 'temporal_unavailable' });
  }
}

/** `entity` of a form-encoded body, when it names an entity the poll knows; anything else is ignored. */
function entityOf(req: Request): PollHint['entity'] {
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || !Buffer.isBuffer(req.body)) return undefined;
  const value = new URLSearchParams(req.body.toString('utf8')).get('entity');
  return ENTITIES.find((e) => e === value);
}

/** Config first, then the admin API's runtime switch; an unreadable switch counts as enabled. */
async function isEnabled(ctx: HintRouteContext, connection: ConnectionConfig): Promise<boolean> {
  if (!connection.enabled) return false;
  try {
    return (await ctx.deps.switches?.isEnabled(connection.id)) ?? true;
  } catch {
    return true;
  }
}

function errorName(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'Error';
}
