/**
 * The Chatwoot dashboard app: the CRM panel Chatwoot shows next to a conversation (docs/chatwoot-app.md).
 *
 *   GET  /chatwoot-app/<connection>/<token>/          the page (framed by the connection's Chatwoot only)
 *   POST /chatwoot-app/<connection>/<token>/context   {conversationId, contactId} from Chatwoot's appContext:
 *        checked against Chatwoot's API (the conversation must belong to that contact, in this account),
 *        answered with the panel and a context token bound to (connection, contact, conversation);
 *        30 a minute per connection and client address, then 429 with Retry-After
 *   POST /chatwoot-app/<connection>/<token>/panel     the panel again (X-Context-Token)
 *   POST /chatwoot-app/<connection>/<token>/actions/sync-now   the contact's sync now (X-Context-Token)
 *   POST /chatwoot-app/<connection>/<token>/actions/add-note   {note}: a note on the contact's lead (X-Context-Token)
 *   POST /chatwoot-app/<connection>/<token>/actions/create-lead  a lead for a contact without one (X-Context-Token)
 *   POST /chatwoot-app/<connection>/<token>/actions/move-stage {stageId}: the lead forward to that stage (X-Context-Token)
 *   GET  /chatwoot-app/_assets/...                    the page's script and styles
 *
 * The URL token (CHATWOOT_DASHBOARD_APP_TOKEN) is per connection; without it the connection has no app
 * (404). Every later request names no contact: the ids come from the signed context token, so changing
 * an id reaches nothing. Actions go through the contact's workflow, like a webhook.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import { CONSOLE_PUBLIC_DIR } from '../console/assets';
import { html } from '../console/html';
import type { Logger } from '../logging';
import type { ConnectionServices } from '../runtime/connection-services';
import type { Store } from '../store/types';
import type { AgentAction } from '../../workflows/api';
import { signContext, verifyContext, type AppContext } from './context-token';
import { mayMoveBackwards } from './stages';
import { loadPanel, renderMessage, renderPanel } from './panel';
import { CONTEXT_RATE_LIMIT, FixedWindowLimiter, type RateLimitOptions } from './rate-limit';

export const CHATWOOT_APP_PUBLIC_DIR = path.join(__dirname, 'public');
/** A note for the lead: room for a paragraph or two. */
export const NOTE_MAX_CHARS = 2000;

export interface ChatwootAppDeps {
  config: AppConfig;
  /** The connections in force now (console settings included); default config.connections. */
  connections?: () => readonly ConnectionConfig[];
  store: Store;
  services: ConnectionServices;
  temporal: Client;
  /** Into the contact's workflow: "sync now" (TemporalDispatcher.retry) and the other actions (agentAction). */
  dispatcher: {
    retry(connectionId: string, contactId: number, requestedBy: string): Promise<void>;
    agentAction(connectionId: string, contactId: number, action: AgentAction): Promise<void>;
  };
  log: Logger;
  now?: () => Date;
  /** POST .../context per connection and client address; default CONTEXT_RATE_LIMIT (30 a minute). */
  contextRateLimit?: RateLimitOptions;
}

interface AppLocals {
  connection: ConnectionConfig;
  appToken: string;
}

export function createChatwootAppRouter(deps: ChatwootAppDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = express.Router();
  const contextLimiter = new FixedWindowLimiter(deps.contextRateLimit ?? CONTEXT_RATE_LIMIT);

  router.use('/chatwoot-app/_assets', assets());

  const app = express.Router({ mergeParams: true });
  app.use(checkUrlToken(deps.connections ?? (() => deps.config.connections)));
  app.use(securityHeaders);

  app.get('/', (req, res, next) => {
    // Relative URLs of the page need the trailing slash Chatwoot may have dropped.
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(308, `${req.originalUrl.split('?')[0]}/`);
    next();
  });
  app.get('/', (_req, res) => {
    const { connection } = res.locals as AppLocals;
    // The only origin whose messages the page's script accepts (an attribute: no inline script).
    const chatwootOrigin = new URL(connection.chatwoot.url).origin;
    res.type('html').send(
      '<!doctype html>' +
        html`<html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Krayin CRM</title>
            <link rel="stylesheet" href="/chatwoot-app/_assets/console.css" />
            <link rel="stylesheet" href="/chatwoot-app/_assets/app.css" />
            <script src="/chatwoot-app/_assets/app.js" defer></script>
          </head>
          <body class="cw-app">
            <main id="main" data-chatwoot-origin="${chatwootOrigin}">
              <h1>Krayin CRM</h1>
              <div id="panel" aria-live="polite">
                <p class="hint">Waiting for the conversation from Chatwoot…</p>
              </div>
            </main>
          </body>
        </html>`.value,
    );
  });

  app.use(express.json({ limit: '8kb' }));

  app.post('/context', async (req, res, next) => {
    try {
      const { connection, appToken } = res.locals as AppLocals;
      // Each context costs a Chatwoot API call: a client that asks too often waits.
      const wait = contextLimiter.take(`${connection.id}\u0000${req.ip ?? 'unknown'}`, now().getTime());
      if (wait !== null) {
        res.setHeader('Retry-After', String(wait));
        return res
          .status(429)
          .json({ html: renderMessage('Too many requests just now: try again in a minute.').value });
      }
      const conversationId = positiveInt(req.body?.conversationId);
      const contactId = positiveInt(req.body?.contactId);
      if (conversationId === null || contactId === null) {
        return res.status(400).json({ html: renderMessage('Chatwoot did not say which conversation is open.').value });
      }
      const runtime = deps.services.connections.get(connection.id);
      let conversation;
      try {
        conversation = await runtime.chatwoot.getConversation(conversationId);
      } catch {
        return res
          .status(502)
          .json({ html: renderMessage('Chatwoot could not be asked about this conversation just now.').value });
      }
      // The claimed contact must be the conversation's own, in this connection's account.
      if (
        !conversation ||
        conversation.meta.sender.id !== contactId ||
        conversation.account_id !== connection.chatwoot.accountId
      ) {
        deps.log.warn({ connectionId: connection.id }, 'dashboard app: a context did not match Chatwoot (refused)');
        return res
          .status(403)
          .json({ html: renderMessage('This conversation and contact do not belong together: refused.').value });
      }
      const context: AppContext = { connectionId: connection.id, contactId, conversationId };
      // The agent Chatwoot's page named: kept only when the account has such an agent (GET /agents).
      const agentId = positiveInt(req.body?.agentId);
      if (agentId !== null && connection.dashboardApp.backwardMoves.length > 0) {
        if ((await agentOf(runtime, agentId)) !== null) context.agentId = agentId;
      }
      const token = signContext(appToken, context, now().getTime());
      const anyStage = await backwardsAllowed(context);
      const data = await loadPanel({ store: deps.store, runtime, temporal: deps.temporal, context, anyStage });
      res.json({ contextToken: token, html: renderPanel(data).value });
    } catch (err) {
      next(err);
    }
  });

  const withContext = (req: Request, res: Response, next: NextFunction) => {
    const { connection, appToken } = res.locals as AppLocals;
    const context = verifyContext(appToken, connection.id, req.get('x-context-token'), now().getTime());
    if (!context) {
      return res
        .status(401)
        .json({ html: renderMessage('This panel has expired: open the conversation again.').value });
    }
    res.locals.context = context;
    next();
  };

  app.post('/panel', withContext, async (_req, res, next) => {
    try {
      res.json({ html: await panelHtml(res) });
    } catch (err) {
      next(err);
    }
  });

  app.post('/actions/sync-now', withContext, async (_req, res, next) => {
    try {
      const context = res.locals.context as AppContext;
      await deps.dispatcher.retry(context.connectionId, context.contactId, 'chatwoot-app');
      deps.store.audit
        .append({ connectionId: context.connectionId, contactId: context.contactId, action: 'chatwoot_app.sync_now' })
        .catch(() => undefined);
      res.json({ html: await panelHtml(res, 'Sync requested: Krayin will be up to date in a moment.') });
    } catch (err) {
      next(err);
    }
  });

  app.post('/actions/add-note', withContext, async (req, res, next) => {
    try {
      const context = res.locals.context as AppContext;
      const text = typeof req.body?.note === 'string' ? req.body.note.trim() : '';
      if (text.length === 0 || text.length > NOTE_MAX_CHARS) {
        return res
          .status(400)
          .json({ html: await panelHtml(res, `Write a note of 1 to ${NOTE_MAX_CHARS} characters.`) });
      }
      const link = await deps.store.links.getContact(context.connectionId, context.contactId);
      if (!link?.leadId) {
        return res.status(409).json({ html: await panelHtml(res, 'This contact has no lead yet: no note was added.') });
      }
      await deps.dispatcher.agentAction(context.connectionId, context.contactId, {
        kind: 'add_note',
        noteId: randomUUID(),
        text,
        requestedBy: 'chatwoot-app',
      });
      res.json({ html: await panelHtml(res, 'Note sent to Krayin: it shows under Last activities in a moment.') });
    } catch (err) {
      next(err);
    }
  });

  app.post('/actions/create-lead', withContext, async (_req, res, next) => {
    try {
      const context = res.locals.context as AppContext;
      const link = await deps.store.links.getContact(context.connectionId, context.contactId);
      if (link?.leadId) {
        return res.status(409).json({ html: await panelHtml(res, 'This contact has a lead already: none was added.') });
      }
      if (!link?.personId) {
        const flash = 'This contact is not in Krayin yet: use Sync now first.';
        return res.status(409).json({ html: await panelHtml(res, flash) });
      }
      // The workflow plans the lead from Chatwoot and finds or creates it as the sync does: never a second lead.
      await deps.dispatcher.agentAction(context.connectionId, context.contactId, {
        kind: 'create_lead',
        requestedBy: 'chatwoot-app',
      });
      deps.store.audit
        .append({
          connectionId: context.connectionId,
          contactId: context.contactId,
          action: 'chatwoot_app.lead_requested',
        })
        .catch(() => undefined);
      res.json({ html: await panelHtml(res, 'Creating the lead in Krayin: Refresh in a moment to see it.') });
    } catch (err) {
      next(err);
    }
  });

  app.post('/actions/move-stage', withContext, async (req, res, next) => {
    try {
      const context = res.locals.context as AppContext;
      const stageId = positiveInt(req.body?.stageId);
      const runtime = deps.services.connections.get(context.connectionId);
      // Checked again now against Chatwoot's agents and the setting, not taken from the panel.
      const anyStage = await backwardsAllowed(context);
      const data = await loadPanel({ store: deps.store, runtime, temporal: deps.temporal, context, anyStage });
      const target = data.forward.find((s) => s.id === stageId);
      if (!target) {
        // Forward only (unless allowed): the panel never offers an earlier stage; a request that names one is refused.
        const flash = 'The lead can only move forward, and not out of won or lost: not moved.';
        return res.status(409).json({ html: renderPanel(data, flash).value });
      }
      await deps.dispatcher.agentAction(context.connectionId, context.contactId, {
        kind: 'move_stage',
        stageId: target.id,
        requestedBy: 'chatwoot-app',
        ...(anyStage ? { anyStage: true } : {}),
      });
      res.json({ html: await panelHtml(res, `Moving the lead to ${target.name}: Refresh in a moment to see it.`) });
    } catch (err) {
      next(err);
    }
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    deps.log.error({ err }, 'dashboard app request failed');
    res.status(500).json({ html: renderMessage('Something went wrong. Try again in a moment.').value });
  });

  router.use('/chatwoot-app/:connection/:token', app);
  return router;

  async function panelHtml(res: Response, flash: string | null = null): Promise<string> {
    const { connection } = res.locals as AppLocals;
    const context = res.locals.context as AppContext;
    const runtime = deps.services.connections.get(connection.id);
    const anyStage = await backwardsAllowed(context);
    const data = await loadPanel({ store: deps.store, runtime, temporal: deps.temporal, context, anyStage });
    return renderPanel(data, flash).value;
  }

  /**
   * CHATWOOT_DASHBOARD_APP_BACKWARD_MOVES: the context's agent (found in GET /agents when the context was
   * opened) is looked up again and must be named there by email or role. Chatwoot unreachable: no.
   */
  async function backwardsAllowed(context: AppContext): Promise<boolean> {
    const connection = (deps.connections?.() ?? deps.config.connections).find((c) => c.id === context.connectionId);
    const allowed = connection?.dashboardApp.backwardMoves ?? [];
    if (context.agentId === undefined || allowed.length === 0) return false;
    const agent = await agentOf(deps.services.connections.get(context.connectionId), context.agentId);
    return mayMoveBackwards(agent, allowed);
  }
}

/** 404, the same for an unknown connection, a connection without the app and a wrong token. */
function checkUrlToken(connections: () => readonly ConnectionConfig[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const connection = connections().find((c) => c.id === req.params.connection);
    const expected = connection?.dashboardApp.token;
    const given = String(req.params.token ?? '');
    if (!connection || !expected || !sameSecret(given, expected)) {
      res.setHeader('Cache-Control', 'no-store');
      return res.status(404).type('text').send('Not found');
    }
    const locals: AppLocals = { connection, appToken: expected };
    Object.assign(res.locals, locals);
    next();
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Our own scripts and styles only; framed by this connection's Chatwoot only; the URL (it holds the
 * token) is never sent on as a referrer, and nothing is cached.
 */
function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  const { connection } = res.locals as AppLocals;
  const chatwootOrigin = new URL(connection.chatwoot.url).origin;
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      `frame-ancestors ${chatwootOrigin}`,
      "base-uri 'none'",
      "object-src 'none'",
    ].join('; '),
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  next();
}

function assets(): Router {
  const router = express.Router();
  router.get('/console.css', (_req, res) => res.sendFile(path.join(CONSOLE_PUBLIC_DIR, 'console.css')));
  router.use(express.static(CHATWOOT_APP_PUBLIC_DIR, { index: false, fallthrough: false, maxAge: 0 }));
  return router;
}

function positiveInt(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The account's agent with this id (GET /agents), or null (none, or Chatwoot could not be asked). */
async function agentOf(
  runtime: { chatwoot: { listAgents(): Promise<{ id: number; email: string; role?: string }[]> } },
  agentId: number,
): Promise<{ email: string; role?: string } | null> {
  try {
    return (await runtime.chatwoot.listAgents()).find((a) => a.id === agentId) ?? null;
  } catch {
    return null;
  }
}
