/**
 * POST /webhooks/chatwoot/:connection. Order matters and each step has one answer (README.md):
 * connection -> content type -> raw body (size limit) -> signature -> enabled -> JSON -> event name
 * -> zod -> classify -> delivery dedupe -> dispatch. The 202 "accepted" is sent only after the
 * dispatcher says the event is durable: Chatwoot never retries, so a 2xx must never lose an event.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { tokensEqual } from '../codec/bearer-auth';
import type { ConnectionConfig } from '../config/schema';
import { classifyWebhookEvent, contactChangedAt } from '../chatwoot/events';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../chatwoot/signature';
import { isKnownWebhookEvent, parseWebhookEvent } from '../chatwoot/webhook-schemas';
import { unavailableReason } from '../inbound/errors';
import {
  bodyDeliveryId,
  checkJsonContentType,
  isAcceptableDeliveryId,
  parseByteSize,
  parseJsonObject,
} from './request-body';
import { hold, ignore, reject, setOutcome, type IngestOutcome } from './responses';
import type { IngestCounters, IngestDeps, IngestLogger, ContactEvent } from './types';

/** `/:token` only for connections configured with a URL token (Chatwoot versions that do not sign). */
export const WEBHOOK_ROUTE = '/webhooks/chatwoot/:connection{/:token}';

interface RouteContext {
  deps: IngestDeps;
  counters: IngestCounters;
  logger: IngestLogger;
  connections: ReadonlyMap<string, ConnectionConfig>;
  now: () => Date;
}

type Locals = { connection: ConnectionConfig };

export function webhookRouter(ctx: RouteContext): Router {
  const limit = parseByteSize(ctx.deps.config.bodyLimit);
  const router = express.Router();
  router.post(
    WEBHOOK_ROUTE,
    observe(ctx),
    findConnection(ctx),
    requireJson(ctx),
    // Bytes, not parsed JSON: the HMAC covers the exact body. No inflation: Chatwoot never compresses.
    express.raw({ type: () => true, limit, inflate: false }),
    (req, res) => handleWebhook(ctx, req, res as Response<unknown, Locals>),
  );
  router.all(WEBHOOK_ROUTE, (_req, res) => {
    res.setHeader('Allow', 'POST');
    reject(res, ctx.counters, { status: 405, error: 'method_not_allowed', reason: 'method_not_allowed' });
  });
  return router;
}

/** Reports every webhook request's outcome and duration once its answer is sent. */
function observe(ctx: RouteContext): RequestHandler {
  return (req, res, next) => {
    const observer = ctx.deps.observe;
    if (!observer) return next();
    const started = process.hrtime.bigint();
    // Read now: a request refused by the body parser (413) is answered outside this route, where
    // req.params no longer names the connection.
    const named = String(req.params.connection);
    res.once('finish', () => {
      const o = (res.locals.ingestOutcome as IngestOutcome | undefined) ?? {
        outcome: 'rejected',
        reason: 'internal_error',
      };
      const known = ctx.connections.has(named);
      observer({
        connection: known ? named : 'unknown',
        ...o,
        durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    });
    next();
  };
}

/** Before reading the body, so unknown URLs cost nothing. The URL token is checked here too. */
function findConnection(ctx: RouteContext): RequestHandler {
  return (req, res, next) => {
    const connection = ctx.connections.get(String(req.params.connection));
    if (!connection) {
      reject(res, ctx.counters, { status: 404, error: 'not_found', reason: 'unknown_connection' });
      return;
    }
    const expected = connection.chatwoot.webhookToken;
    const given = req.params.token === undefined ? undefined : String(req.params.token);
    if (expected === undefined && given !== undefined) {
      reject(res, ctx.counters, { status: 404, error: 'not_found', reason: 'unknown_connection' });
      return;
    }
    if (expected !== undefined && !sameToken(given, expected)) {
      ctx.logger.warn({ connectionId: connection.id }, 'webhook URL token rejected');
      const reason = given === undefined ? 'missing_url_token' : 'bad_url_token';
      reject(res, ctx.counters, { status: 401, error: 'unauthorized', reason });
      return;
    }
    (res.locals as Locals).connection = connection;
    next();
  };
}

/** Constant-time (over digests, so unequal lengths leak nothing either). */
function sameToken(given: string | undefined, expected: string): boolean {
  return given !== undefined && tokensEqual(given, expected);
}

function requireJson(ctx: RouteContext): RequestHandler {
  return (req, res, next) => {
    const check = checkJsonContentType(req.get('content-type'));
    if (check === 'ok') return next();
    reject(res, ctx.counters, {
      status: 415,
      error: 'unsupported_media_type',
      reason: check === 'not_json' ? 'content_type_not_json' : check,
    });
  };
}

async function handleWebhook(ctx: RouteContext, req: Request, res: Response<unknown, Locals>): Promise<void> {
  const { counters, logger } = ctx;
  const connection = res.locals.connection;
  const connectionId = connection.id;
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

  const secret = connection.chatwoot.webhookSecret;
  if (secret !== undefined) {
    const check = verifyWebhookSignature({
      secret,
      rawBody,
      signature: req.get(SIGNATURE_HEADER),
      timestamp: req.get(TIMESTAMP_HEADER),
      nowMs: () => ctx.now().getTime(),
    });
    if (!check.ok) {
      logger.warn({ connectionId, reason: check.reason }, 'webhook signature rejected');
      return reject(res, counters, { status: 401, error: 'unauthorized', reason: check.reason });
    }
  }
  const headerDelivery = req.get(DELIVERY_HEADER);
  if (headerDelivery !== undefined && !isAcceptableDeliveryId(headerDelivery)) {
    return badRequest(ctx, res, connectionId, 'malformed_delivery_id');
  }

  const json = parseJsonObject(rawBody);
  if (!json.ok) return badRequest(ctx, res, connectionId, json.reason);

  // A new Chatwoot event type is not an error: acknowledge it so nothing alarms, and count it.
  const eventName = json.value.event;
  if (typeof eventName === 'string' && !isKnownWebhookEvent(eventName)) {
    logger.info({ connectionId, event: safeEventName(eventName) }, 'unknown webhook event ignored');
    return ignore(res, counters, 'unknown_event');
  }

  const parsed = parseWebhookEvent(json.value);
  if (!parsed.ok) {
    logger.warn({ connectionId, event: safeEventName(eventName), issues: parsed.issues }, 'webhook schema mismatch');
    return reject(
      res,
      counters,
      { status: 422, error: 'invalid_payload', reason: 'schema_mismatch' },
      { issues: parsed.issues },
    );
  }

  const event = parsed.event.event;
  const classification = classifyWebhookEvent(parsed.event);
  if (classification.kind === 'ignored') return ignore(res, counters, classification.reason);

  const receivedAt = ctx.now().toISOString();
  const changedAt = contactChangedAt(parsed.event, receivedAt);
  const contactEvent: ContactEvent = {
    connectionId,
    contactId: classification.contactId,
    deliveryId: headerDelivery ?? bodyDeliveryId(rawBody),
    event,
    receivedAt,
    ...(changedAt === undefined ? {} : { changedAt }),
    ...(classification.conversationId === undefined ? {} : { conversationId: classification.conversationId }),
    ...(classification.messageId === undefined ? {} : { messageId: classification.messageId }),
  };
  const logIds = { connectionId, event, deliveryId: contactEvent.deliveryId, contactId: contactEvent.contactId };

  // Verified and valid first, so an unauthenticated caller cannot even learn that a connection is
  // disabled. The event starts no sync but is held for `catch-up` (lost only if the store fails).
  // The answer says "held" only when the store really kept the event for catch-up.
  if (!(await isEnabled(ctx, connection))) {
    if (await holdEvent(ctx, contactEvent, logIds)) return hold(res, counters, contactEvent.deliveryId);
    return ignore(res, counters, 'connection_disabled');
  }

  if (await isDuplicate(ctx, contactEvent)) {
    counters.duplicates += 1;
    setOutcome(res, { outcome: 'duplicate' });
    logger.info(logIds, 'duplicate delivery');
    res.status(200).json({ status: 'duplicate', deliveryId: contactEvent.deliveryId });
    return;
  }

  try {
    await ctx.deps.dispatcher.dispatch(contactEvent, connection);
  } catch (err) {
    // A refusal with a reason of its own (the inbound log is full) is told as such; anything else failed.
    const reason = unavailableReason(err) ?? 'dispatch_failed';
    logger.error({ ...logIds, ...describeError(err) }, 'dispatch failed; answering 503');
    await forgetDelivery(ctx, contactEvent);
    return reject(res, counters, { status: 503, error: 'unavailable', reason });
  }
  counters.accepted += 1;
  setOutcome(res, { outcome: 'accepted' });
  logger.info(logIds, 'webhook accepted');
  res.status(202).json({ status: 'accepted', deliveryId: contactEvent.deliveryId });
}

/**
 * A signed request we cannot read points at a Chatwoot change or a broken proxy: logged so operators
 * see it, with the reason only (the body and the header value may carry contact data).
 */
function badRequest(ctx: RouteContext, res: Response, connectionId: string, reason: string): void {
  ctx.logger.warn({ connectionId, status: 400, reason }, 'webhook rejected');
  reject(res, ctx.counters, { status: 400, error: 'bad_request', reason });
}

/** Config first, then the runtime switch; a failing switch store counts as enabled (never drop events). */
async function isEnabled(ctx: RouteContext, connection: ConnectionConfig): Promise<boolean> {
  if (!connection.enabled) return false;
  try {
    return (await ctx.deps.switches?.isEnabled(connection.id)) ?? true;
  } catch (err) {
    ctx.logger.warn(
      { connectionId: connection.id, ...describeError(err) },
      'connection switch unreadable; treating as enabled',
    );
    return true;
  }
}

/** True when the event was kept for `catch-up`; false without a store to keep it in, or when it failed. */
async function holdEvent(ctx: RouteContext, e: ContactEvent, logIds: object): Promise<boolean> {
  const record = ctx.deps.switches?.recordIgnored;
  if (!record) return false;
  try {
    await record.call(ctx.deps.switches, e);
    return true;
  } catch (err) {
    ctx.logger.error({ ...logIds, ...describeError(err) }, 'could not hold the event of a disabled connection');
    return false;
  }
}

/** A failing dedupe store must not drop events: dispatch anyway, the workflow dedupes by delivery id too. */
async function isDuplicate(ctx: RouteContext, e: ContactEvent): Promise<boolean> {
  if (!ctx.deps.deliveries) return false;
  try {
    return !(await ctx.deps.deliveries.record(e.connectionId, e.deliveryId, e.event, e.contactId));
  } catch (err) {
    ctx.logger.warn(
      { connectionId: e.connectionId, deliveryId: e.deliveryId, ...describeError(err) },
      'delivery record failed; dispatching anyway',
    );
    return false;
  }
}

async function forgetDelivery(ctx: RouteContext, e: ContactEvent): Promise<void> {
  try {
    await ctx.deps.deliveries?.forget?.(e.connectionId, e.deliveryId);
  } catch (err) {
    ctx.logger.warn(
      { connectionId: e.connectionId, deliveryId: e.deliveryId, ...describeError(err) },
      'delivery forget failed',
    );
  }
}

/** Duck-typed: errors from other realms (undici, jest sandboxes) fail instanceof Error. */
function describeError(err: unknown): { errorName: string; errorMessage: string } {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as {
    name?: unknown;
    message?: unknown;
  };
  return {
    errorName: typeof e.name === 'string' ? e.name : 'Error',
    errorMessage: (typeof e.message === 'string' ? e.message : '').slice(0, 200),
  };
}

/** Event names are ours to log only when they look like event names. */
function safeEventName(name: unknown): string | null {
  return typeof name === 'string' && /^[a-z_]{1,64}$/.test(name) ? name : null;
}
