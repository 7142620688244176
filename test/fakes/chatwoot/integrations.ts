/**
 * The fake Chatwoot's integrations, as the v4 API has them (docs in /work/shared/chatwoot.md §4.5, §5):
 *
 *   GET/POST /webhooks, PATCH/DELETE /webhooks/{id}       {payload: {webhooks: [...]}} / {payload: {webhook}}
 *   GET/POST /dashboard_apps, PATCH/DELETE /dashboard_apps/{id}   bare array / the app
 *
 * Bodies may come wrapped ({webhook: {...}}, {dashboard_app: {...}}) or not (Rails' wrap_parameters).
 * Validation follows webhook.rb (http(s) URL, unique per account, subscriptions a non-empty subset of
 * ALLOWED_WEBHOOK_EVENTS) and dashboard_app.rb (content a non-empty array of {type: 'frame', url: http(s)}).
 *
 * Plus the part of Chatwoot's dashboard a dashboard app sees (ConversationBox/Frame.vue): GET
 * /app/accounts/{account}/conversations/{id} renders the conversation's dashboard-app frames and posts
 * them `{event: 'appContext', data: {conversation, contact, currentAgent}}` (a JSON string, target "*")
 * on load and on 'chatwoot-dashboard-app:fetch-info'. Test knobs in the query: `forgeContact=<id>`
 * claims another contact for the conversation; `sibling=<url>` adds a frame of another origin next to it.
 */
import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import { apiContact, apiConversation } from './render';
import type { FakeChatwootState } from './state';

export const ALLOWED_WEBHOOK_EVENTS = [
  'conversation_status_changed',
  'conversation_updated',
  'conversation_created',
  'contact_created',
  'contact_updated',
  'message_created',
  'message_updated',
  'webwidget_triggered',
  'inbox_created',
  'inbox_updated',
  'conversation_typing_on',
  'conversation_typing_off',
] as const;

export interface FakeWebhook {
  id: number;
  name: string | null;
  url: string;
  account_id: number;
  subscriptions: string[];
  secret: string;
}

export interface FakeDashboardApp {
  id: number;
  title: string;
  content: { type: string; url: string }[];
  created_at: string;
  show_on_sidebar: boolean;
}

export class FakeIntegrations {
  webhooks = new Map<number, FakeWebhook>();
  dashboardApps = new Map<number, FakeDashboardApp>();
  private nextId = 1;

  newId(): number {
    return this.nextId++;
  }

  reset(): void {
    this.webhooks.clear();
    this.dashboardApps.clear();
  }
}

const HTTP_URL = /^https?:\/\/\S+$/;

function unwrap(body: unknown, key: string): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  const inner = b[key];
  return inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : b;
}

function invalid(res: express.Response, message: string, attribute: string) {
  res.status(422).json({ message, attributes: [attribute] });
}

export function integrationRoutes(integrations: FakeIntegrations, accountId: number): Router {
  const api = express.Router();
  api.use(express.json());

  const validateWebhook = (
    input: Record<string, unknown>,
    res: express.Response,
    self: FakeWebhook | null,
  ): { url: string; name: string | null; subscriptions: string[] } | null => {
    const url = input.url === undefined && self ? self.url : input.url;
    const subscriptions = input.subscriptions === undefined && self ? self.subscriptions : input.subscriptions;
    const name = input.name === undefined ? (self?.name ?? null) : input.name;
    if (typeof url !== 'string' || !HTTP_URL.test(url)) {
      invalid(res, 'Url is invalid', 'url');
      return null;
    }
    if ([...integrations.webhooks.values()].some((w) => w.url === url && w.id !== self?.id)) {
      invalid(res, 'Url has already been taken', 'url');
      return null;
    }
    if (
      !Array.isArray(subscriptions) ||
      subscriptions.length === 0 ||
      !subscriptions.every((s) => (ALLOWED_WEBHOOK_EVENTS as readonly unknown[]).includes(s))
    ) {
      invalid(res, 'Subscriptions Invalid events', 'subscriptions');
      return null;
    }
    return { url, name: typeof name === 'string' ? name : null, subscriptions: [...(subscriptions as string[])] };
  };

  api.get('/webhooks', (_req, res) => {
    res.json({ payload: { webhooks: [...integrations.webhooks.values()] } });
  });
  api.post('/webhooks', (req, res) => {
    const v = validateWebhook(unwrap(req.body, 'webhook'), res, null);
    if (!v) return;
    // has_secure_token: 24 characters.
    const webhook: FakeWebhook = {
      id: integrations.newId(),
      account_id: accountId,
      secret: randomBytes(18).toString('base64url'),
      ...v,
    };
    integrations.webhooks.set(webhook.id, webhook);
    res.json({ payload: { webhook } });
  });
  api.patch('/webhooks/:id', (req, res) => {
    const webhook = integrations.webhooks.get(Number(req.params.id));
    if (!webhook) return res.status(404).json({ error: 'Resource could not be found' });
    const v = validateWebhook(unwrap(req.body, 'webhook'), res, webhook);
    if (!v) return;
    Object.assign(webhook, v);
    res.json({ payload: { webhook } });
  });
  api.delete('/webhooks/:id', (req, res) => {
    if (!integrations.webhooks.delete(Number(req.params.id))) {
      return res.status(404).json({ error: 'Resource could not be found' });
    }
    res.status(200).end();
  });

  const validateApp = (input: Record<string, unknown>, res: express.Response, self: FakeDashboardApp | null) => {
    const title = input.title === undefined && self ? self.title : input.title;
    const content = input.content === undefined && self ? self.content : input.content;
    if (typeof title !== 'string' || title.trim() === '') {
      invalid(res, "Title can't be blank", 'title');
      return null;
    }
    const ok =
      Array.isArray(content) &&
      content.length > 0 &&
      content.every(
        (c) =>
          c &&
          typeof c === 'object' &&
          (c as { type?: unknown }).type === 'frame' &&
          typeof (c as { url?: unknown }).url === 'string' &&
          HTTP_URL.test((c as { url: string }).url),
      );
    if (!ok) {
      invalid(res, 'Content : Invalid data', 'content');
      return null;
    }
    return { title, content: (content as { type: string; url: string }[]).map((c) => ({ type: c.type, url: c.url })) };
  };

  api.get('/dashboard_apps', (_req, res) => {
    res.json([...integrations.dashboardApps.values()]);
  });
  api.post('/dashboard_apps', (req, res) => {
    const v = validateApp(unwrap(req.body, 'dashboard_app'), res, null);
    if (!v) return;
    const app: FakeDashboardApp = {
      id: integrations.newId(),
      created_at: new Date().toISOString(),
      show_on_sidebar: false,
      ...v,
    };
    integrations.dashboardApps.set(app.id, app);
    res.json(app);
  });
  api.patch('/dashboard_apps/:id', (req, res) => {
    const app = integrations.dashboardApps.get(Number(req.params.id));
    if (!app) return res.status(404).json({ error: 'Resource could not be found' });
    const v = validateApp(unwrap(req.body, 'dashboard_app'), res, app);
    if (!v) return;
    Object.assign(app, v);
    res.json(app);
  });
  api.delete('/dashboard_apps/:id', (req, res) => {
    if (!integrations.dashboardApps.delete(Number(req.params.id))) {
      return res.status(404).json({ error: 'Resource could not be found' });
    }
    res.status(204).end();
  });
  return api;
}

/** The dashboard's conversation view, reduced to what a dashboard app sees (no login: a fake). */
export function dashboardRoutes(state: FakeChatwootState, integrations: FakeIntegrations, accountId: number): Router {
  const router = express.Router();
  router.get('/app/accounts/:accountId/conversations/:id', (req, res) => {
    const conversation = state.conversations.get(Number(req.params.id));
    if (String(req.params.accountId) !== String(accountId) || !conversation) {
      return res.status(404).type('text').send('Not found');
    }
    const payload = apiConversation(state, conversation, accountId) as Record<string, unknown>;
    const contact = state.contacts.get(conversation.contactId);
    const forged = typeof req.query.forgeContact === 'string' ? Number(req.query.forgeContact) : null;
    if (forged) {
      const meta = payload.meta as Record<string, unknown>;
      payload.meta = { ...meta, sender: { ...(meta.sender as object), id: forged } };
    }
    const context = {
      event: 'appContext',
      data: {
        conversation: payload,
        contact: contact ? apiContact(contact, true) : {},
        currentAgent: { id: 1, name: 'Agent Smith', email: 'agent@example.com' },
      },
    };
    const sibling = typeof req.query.sibling === 'string' ? req.query.sibling : null;
    const frames = [...integrations.dashboardApps.values()].map(
      (app) =>
        `<iframe class="dashboard-app" title="${escape(app.title)}" src="${escape(app.content[0]!.url)}"></iframe>`,
    );
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chatwoot conversation ${conversation.id}</title>
<style>body{margin:0;font-family:sans-serif} iframe.dashboard-app{width:420px;height:1180px;border:1px solid #ccc} iframe.sibling{width:10px;height:10px;border:0}</style>
</head><body>
${frames.join('\n')}
${sibling ? `<iframe class="sibling" title="another site" src="${escape(sibling)}"></iframe>` : ''}
<script>
  var context = ${JSON.stringify(JSON.stringify(context)).replace(/</g, '\\u003c')};
  var frames = document.querySelectorAll('iframe.dashboard-app');
  function send(frame) { frame.contentWindow.postMessage(context, '*'); }
  frames.forEach(function (f) { f.addEventListener('load', function () { send(f); }); });
  window.addEventListener('message', function (e) {
    if (e.data === 'chatwoot-dashboard-app:fetch-info' && frames[0]) send(frames[0]);
  });
</script>
</body></html>`);
  });
  return router;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
