/**
 * The admin (ops) API, under /admin, bearer-token protected. The CLI talks to it (status, replay,
 * retry-parked, disable, enable), so it works the same against an embedded laptop install (where
 * PGlite belongs to the running process) and a production deployment.
 *
 *   GET  /admin/status                                   counts by SyncStatus per connection, oldest parked, oldest
 *                                                        pending, switch, live Krayin and Chatwoot reachability
 *   GET  /admin/connections/:id/parked?reason=&limit=     parked contacts (ids and PII-free reasons)
 *   POST /admin/connections/:id/contacts/:contactId/replay  re-run a contact's sync from current data (404 when
 *                                                        Chatwoot has no such contact)
 *   POST /admin/connections/:id/retry-parked {reason?}    resume parked syncs (all, or one park kind)
 *   POST /admin/connections/:id/disable                   webhooks verified, counted and held, no syncs
 *   POST /admin/connections/:id/enable                    back on; says what is held
 *   POST /admin/connections/:id/catch-up {discard?}       deliver the held events (or drop them)
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { bearerTokenOf, tokensEqual } from '../codec/bearer-auth';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import type { ConnectionSwitches } from '../ops/connection-switches';
import type { ConnectionProbes } from '../ops/reachability';
import type { ContactEvent } from '../ingest/types';
import type { ParkReason, Store, SyncStatus } from '../store/types';
import { deliverHeld, discardHeld, PARK_KINDS, replayContact, retryParked } from '../ops/sync-actions';

export interface AdminDeps {
  config: AppConfig;
  store: Store;
  switches: ConnectionSwitches;
  /** Re-runs a contact's sync now, ignoring the stored hash (TemporalDispatcher.retry). */
  retry(connectionId: string, contactId: number, requestedBy: string): Promise<void>;
  /** Makes an event durable in Temporal, as ingest does (TemporalDispatcher.dispatch). */
  dispatch(event: ContactEvent, connection: ConnectionConfig): Promise<void>;
  /** Live Krayin/Chatwoot answers (src/ops/reachability.ts). */
  probes: Pick<ConnectionProbes, 'reachability' | 'contactExists'>;
  token: string;
  now?: () => Date;
  /** The connections in force now (settings edited in the console); default config.connections. */
  connections?: () => readonly ConnectionConfig[];
}

function connectionsOf(deps: AdminDeps): readonly ConnectionConfig[] {
  return deps.connections?.() ?? deps.config.connections;
}

const STATUSES: SyncStatus[] = ['pending', 'synced', 'skipped', 'parked', 'failed'];
const retryBody = z.strictObject({ reason: z.enum(PARK_KINDS).optional() });
const catchUpBody = z.strictObject({ discard: z.boolean().optional() });

export function createAdminRouter(deps: AdminDeps): Router {
  const router = express.Router();
  router.use('/admin', requireToken(deps.token), express.json({ limit: '16kb', strict: true }));

  router.get('/admin/status', async (_req, res) => {
    const now = (deps.now ?? (() => new Date()))();
    const counts = await deps.store.syncState.countByStatus();
    const connections = await Promise.all(
      connectionsOf(deps).map(async (c) => {
        const rows = counts.filter((r) => r.connectionId === c.id);
        const byStatus = Object.fromEntries(STATUSES.map((s) => [s, rows.find((r) => r.status === s)?.count ?? 0]));
        const oldestParked = rows.find((r) => r.status === 'parked')?.oldestParkedAt ?? null;
        const oldestPending = rows.find((r) => r.status === 'pending')?.oldestPendingSince ?? null;
        const [switchState, held, reachability] = await Promise.all([
          deps.switches.state(c.id),
          deps.store.heldEvents.count(c.id),
          deps.probes.reachability(c.id),
        ]);
        return {
          id: c.id,
          enabled: c.enabled && !switchState.disabled,
          disabledSince: switchState.since,
          held,
          counts: byStatus,
          oldestParkedAt: oldestParked?.toISOString() ?? null,
          oldestPendingSince: oldestPending?.toISOString() ?? null,
          oldestPendingAgeSeconds: oldestPending
            ? Math.max(0, Math.floor((now.getTime() - oldestPending.getTime()) / 1000))
            : null,
          reachability,
        };
      }),
    );
    res.json({ connections });
  });

  router.get('/admin/connections/:id/parked', withConnection(deps), async (req, res) => {
    const kind = typeof req.query.reason === 'string' ? parseKind(req.query.reason) : undefined;
    if (kind === null) return badRequest(res, `reason must be one of ${PARK_KINDS.join(', ')}`);
    const limit = Math.min(Number(req.query.limit ?? 100) || 100, 1000);
    const parked = await deps.store.syncState.listParked(req.params.id as string, kind, limit);
    res.json({
      parked: parked.map((p) => ({
        contactId: p.contactId,
        parkedAt: p.parkedAt?.toISOString() ?? null,
        reason: p.parkReason,
      })),
    });
  });

  // Two-way sync: the conflicts field owners decided, newest first (hashes and the winner, never values:
  // the values are in the contact workflow's status query).
  router.get('/admin/connections/:id/conflicts', withConnection(deps), async (req, res) => {
    const contact = req.query.contact === undefined ? undefined : Number(req.query.contact);
    if (contact !== undefined && (!Number.isInteger(contact) || contact < 1))
      return badRequest(res, 'contact must be a positive integer');
    const limit = Math.min(Number(req.query.limit ?? 50) || 50, 1000);
    const conflicts = await deps.store.twoWay.listConflicts(req.params.id as string, {
      ...(contact === undefined ? {} : { contactId: contact }),
      limit,
    });
    res.json({
      conflicts: conflicts.map((c) => ({
        contactId: c.contactId,
        field: c.field,
        owner: c.owner,
        winner: c.winner,
        chatwootChangedAt: c.chatwootChangedAt?.toISOString() ?? null,
        krayinChangedAt: c.krayinChangedAt?.toISOString() ?? null,
        decidedAt: c.decidedAt.toISOString(),
      })),
    });
  });

  router.post('/admin/connections/:id/contacts/:contactId/replay', withConnection(deps), async (req, res) => {
    const contactId = Number(req.params.contactId);
    if (!Number.isInteger(contactId) || contactId < 1) return badRequest(res, 'contactId must be a positive integer');
    const connectionId = req.params.id as string;
    const outcome = await replayContact(deps, connectionId, contactId, 'admin:replay');
    if (outcome === 'chatwoot_unreachable')
      return void res.status(503).json({ error: 'unavailable', reason: 'chatwoot_unreachable' });
    if (outcome === 'no_such_contact')
      return void res.status(404).json({ error: 'not_found', reason: 'no_such_contact' });
    res.status(202).json({ status: 'replaying', connectionId, contactId });
  });

  router.post('/admin/connections/:id/retry-parked', withConnection(deps), async (req, res) => {
    const body = retryBody.safeParse(req.body ?? {});
    if (!body.success) return badRequest(res, `reason must be one of ${PARK_KINDS.join(', ')}`);
    const connectionId = req.params.id as string;
    const { resumed, more } = await retryParked(deps, connectionId, body.data.reason, 'admin:retry-parked');
    res.status(202).json({ status: 'retrying', connectionId, resumed, reason: body.data.reason ?? null, more });
  });

  router.post('/admin/connections/:id/disable', withConnection(deps), async (req, res) => {
    const state = await deps.switches.disable(req.params.id as string);
    res.json({ status: 'disabled', connectionId: req.params.id, since: state.since });
  });

  router.post('/admin/connections/:id/enable', withConnection(deps), async (req, res) => {
    const connectionId = req.params.id as string;
    const before = await deps.switches.enable(connectionId);
    const held = await deps.store.heldEvents.count(connectionId);
    const heldNotice =
      held.events > 0
        ? ` ${held.events} event(s) of ${held.contacts} contact(s) are held: run "catch-up" to deliver them now.`
        : '';
    res.json({
      status: 'enabled',
      connectionId,
      wasDisabledSince: before.since,
      webhooksIgnored: before.ignoredWebhooks,
      held,
      notice: before.disabled
        ? `The connection was disabled since ${before.since}; ${before.ignoredWebhooks} webhook(s) started no sync meanwhile.${heldNotice} Changes made in Chatwoot that sent no webhook (or while a webhook could not be held) need a reconciliation to catch up.`
        : `The connection was not disabled.${heldNotice}`,
    });
  });

  // Delivers what ingest held while the connection was disabled, oldest first, through the same
  // dispatcher as live webhooks (the workflow dedupes by delivery id, so a repeated call is harmless).
  router.post('/admin/connections/:id/catch-up', withConnection(deps), async (req, res) => {
    const body = catchUpBody.safeParse(req.body ?? {});
    if (!body.success) return badRequest(res, 'the only option is {"discard": true}');
    const connectionId = req.params.id as string;
    if (body.data.discard) {
      const discarded = await discardHeld(deps, connectionId);
      return void res.json({ status: 'discarded', connectionId, discarded });
    }
    const result = await deliverHeld(
      deps,
      connectionsOf(deps).find((c) => c.id === connectionId)!,
    );
    if (result.outcome === 'connection_disabled')
      return void res.status(409).json({ error: 'conflict', reason: 'connection_disabled' });
    if (result.outcome === 'dispatch_failed') {
      return void res.status(503).json({
        error: 'unavailable',
        reason: 'dispatch_failed',
        delivered: result.delivered,
        remaining: result.remaining,
      });
    }
    const { delivered, contacts, remaining, more } = result;
    res.status(202).json({ status: 'delivering', connectionId, delivered, contacts, remaining, more });
  });

  router.use('/admin', (_req, res) => {
    res.status(404).json({ error: 'not_found', reason: 'no_route' });
  });
  router.use('/admin', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) return badRequest(res, 'malformed request body');
    res.status(500).json({ error: 'internal', reason: 'internal_error' });
  });
  return router;
}

function requireToken(token: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = bearerTokenOf(req.get('authorization'));
    if (given === null || !tokensEqual(given, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(401).json({ error: 'unauthorized', reason: given === null ? 'missing_token' : 'bad_token' });
      return;
    }
    next();
  };
}

function withConnection(deps: AdminDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!connectionsOf(deps).some((c) => c.id === req.params.id)) {
      res.status(404).json({ error: 'not_found', reason: 'unknown_connection' });
      return;
    }
    next();
  };
}

function parseKind(value: string): ParkReason['kind'] | null {
  return (PARK_KINDS as readonly string[]).includes(value) ? (value as ParkReason['kind']) : null;
}

function badRequest(res: Response, message: string): void {
  res.status(400).json({ error: 'bad_request', reason: message });
}
