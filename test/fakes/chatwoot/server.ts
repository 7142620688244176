/**
 * A fake Chatwoot REST API over real HTTP, as strict as Chatwoot (src/chatwoot/README.md §5) for the endpoints the sync
 * reads: contacts show/list, conversation show, conversation messages. The write endpoints of
 * writes.ts and crm-writes.ts (attribute definitions, contact labels) change that state as Chatwoot does and send the webhooks Chatwoot would (webhooks.ts) to
 * the configured target. Anything else answers Chatwoot's JSON 404. Control functions shape the data; faults simulate a slow, failing or down
 * Chatwoot; the request log lets tests assert what was called (including which token header).
 */
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { matches, sendFault, type FakeFault } from './faults';
import { listContactPage, listConversationPage, listMessages, pageNumber } from './queries';
import { apiContact, apiConversation, apiMessage, messagesMeta } from './render';
import {
  FakeChatwootState,
  type ContactInput,
  type ConversationInput,
  type FakeContact,
  type FakeConversation,
  type FakeMessage,
  type FakeUser,
  type MessageInput,
} from './state';
import { WebhookSender, type WebhookDelivery, type WebhookTarget } from './webhooks';
import { contactFilterRoutes } from './contact-filter';
import { contactSearchRoutes } from './contact-search';
import { crmWriteRoutes } from './crm-writes';
import { writeRoutes } from './writes';
import { dashboardRoutes, FakeIntegrations, integrationRoutes } from './integrations';

export interface FakeChatwootOptions {
  /** default 0 (a free port) */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default 1 */
  accountId?: number;
  /** default "fake-chatwoot-token" */
  apiToken?: string;
  /** Where the account webhook points (settable later with setWebhook); none by default. */
  webhook?: WebhookTarget;
}

export interface RecordedRequest {
  method: string;
  /** without the query string */
  path: string;
  query: Record<string, string>;
  /** 0 when the connection was dropped by a `down` fault */
  status: number;
  /** which header carried a token (Rack maps both spellings to the same key) */
  tokenHeader: 'api_access_token' | 'api-access-token' | null;
}

export interface FakeChatwoot {
  url: string;
  accountId: number;
  apiToken: string;
  state: FakeChatwootState;
  /** Webhooks and dashboard apps registered through the API (integrations.ts). */
  integrations: FakeIntegrations;
  upsertContact(c: ContactInput): FakeContact;
  deleteContact(id: number): void;
  /** Chatwoot's contact merge (as POST /actions/contact_merge, without the webhook). */
  mergeContacts(baseId: number, mergeeId: number): void;
  upsertConversation(c: ConversationInput): FakeConversation;
  /** Adds or replaces an agent (a Chatwoot user of the account). */
  upsertUser(u: FakeUser): FakeUser;
  addMessage(conversationId: number, m?: MessageInput): FakeMessage;
  /** Points the account webhook somewhere (null: no webhook); changes made through the REST API are sent there. */
  setWebhook(target: WebhookTarget | null): void;
  /** Webhooks sent so far (event and answer status), oldest first. */
  webhookDeliveries(): WebhookDelivery[];
  requests(): RecordedRequest[];
  clearRequests(): void;
  addFaults(...faults: FakeFault[]): void;
  clearFaults(): void;
  /** Forget data, requests and faults. */
  reset(): void;
  close(): Promise<void>;
}

const NOT_FOUND = { error: 'Resource could not be found' };

export async function startFakeChatwoot(opts: FakeChatwootOptions = {}): Promise<FakeChatwoot> {
  const accountId = opts.accountId ?? 1;
  const apiToken = opts.apiToken ?? 'fake-chatwoot-token';
  const state = new FakeChatwootState();
  const webhooks = new WebhookSender(state, accountId);
  const integrations = new FakeIntegrations();
  webhooks.target = opts.webhook ?? null;
  const log: RecordedRequest[] = [];
  let faults: FakeFault[] = [];

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    const entry: RecordedRequest = {
      method: req.method,
      path: req.path,
      query: Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(v)])),
      status: 0,
      tokenHeader: req.get('api_access_token')
        ? 'api_access_token'
        : req.get('api-access-token')
          ? 'api-access-token'
          : null,
    };
    log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    next();
  });

  app.use(async (req, res, next) => {
    const fault = faults.find((f) => matches(f, req));
    if (!fault) return next();
    if (fault.times !== undefined) fault.times -= 1;
    if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.down) return req.socket.destroy();
    if (fault.status !== undefined) return sendFault({ ...fault, status: fault.status }, res);
    next();
  });

  const api = express.Router({ mergeParams: true });
  api.use(authenticate(apiToken, accountId));

  api.get('/contacts', (req, res) => {
    const page = pageNumber(req.query.page);
    const sort = typeof req.query.sort === 'string' ? req.query.sort : undefined;
    const { total, contacts } = listContactPage(state, page, sort);
    const withInboxes = req.query.include_contact_inboxes !== 'false';
    // Chatwoot echoes params[:page] as given (a string), else 1 (inferred from set_current_page).
    const currentPage = typeof req.query.page === 'string' ? req.query.page : 1;
    res.json({
      meta: { count: total, current_page: currentPage },
      payload: contacts.map((c) => apiContact(c, withInboxes)),
    });
  });

  api.use(contactSearchRoutes(state)); // before /contacts/:id, as Rails routes collection actions first
  api.get('/contacts/:id', (req, res) => {
    const contact = state.contacts.get(numericParam(req.params.id));
    if (!contact) return res.status(404).json(NOT_FOUND);
    res.json({ payload: apiContact(contact, req.query.include_contact_inboxes !== 'false') });
  });

  // contacts/conversations_controller.rb: the contact's 20 most recent conversations by last activity, any status.
  api.get('/contacts/:id/conversations', (req, res) => {
    const contact = state.contacts.get(numericParam(req.params.id));
    if (!contact) return res.status(404).json(NOT_FOUND);
    const conversations = [...state.conversations.values()]
      .filter((c) => c.contactId === contact.id)
      .sort((a, b) => b.last_activity_at - a.last_activity_at || b.id - a.id)
      .slice(0, 20);
    res.json({ payload: conversations.map((c) => apiConversation(state, c, accountId)) });
  });

  // Agents of the account, with emails (conversation payloads name assignees without one).
  api.get('/agents', (_req, res) => {
    res.json(
      [...state.users.values()].map((u) => ({
        id: u.id,
        name: u.name,
        available_name: u.available_name,
        display_name: u.available_name,
        email: u.email,
        account_id: accountId,
        role: 'agent',
        confirmed: true,
        availability_status: 'online',
        auto_offline: true,
        custom_attributes: {},
        thumbnail: '',
      })),
    );
  });

  api.get('/conversations', (req, res) => {
    const { counts, conversations } = listConversationPage(state, pageNumber(req.query.page), {
      status: typeof req.query.status === 'string' ? req.query.status : undefined,
      sortBy: typeof req.query.sort_by === 'string' ? req.query.sort_by : undefined,
    });
    res.json({ data: { meta: counts, payload: conversations.map((c) => apiConversation(state, c, accountId)) } });
  });

  api.get('/conversations/:displayId', (req, res) => {
    const conversation = state.conversations.get(numericParam(req.params.displayId));
    if (!conversation) return res.status(404).json(NOT_FOUND);
    res.json(apiConversation(state, conversation, accountId));
  });

  api.get('/conversations/:displayId/messages', (req, res) => {
    const conversation = state.conversations.get(numericParam(req.params.displayId));
    if (!conversation) return res.status(404).json(NOT_FOUND);
    const messages = listMessages(state, conversation.id, req.query);
    res.json({ meta: messagesMeta(state, conversation), payload: messages.map((m) => apiMessage(state, m)) });
  });

  api.use(contactFilterRoutes(state));
  api.use(writeRoutes(state, webhooks, accountId));
  api.use(crmWriteRoutes(state, webhooks));
  api.use(integrationRoutes(integrations, accountId));

  app.use('/api/v1/accounts/:accountId', api);
  app.use(dashboardRoutes(state, integrations, accountId));
  app.use((_req, res) => {
    res.status(404).json(NOT_FOUND);
  });
  app.use((_err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ status: 500, error: 'Internal Server Error' });
  });

  const server = app.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    accountId,
    apiToken,
    state,
    integrations,
    upsertContact: (c) => state.upsertContact(c),
    deleteContact: (id) => state.deleteContact(id),
    mergeContacts: (baseId, mergeeId) => void state.mergeContacts(baseId, mergeeId),
    upsertConversation: (c) => state.upsertConversation(c),
    upsertUser: (u) => {
      state.users.set(u.id, u);
      return u;
    },
    addMessage: (conversationId, m) => state.addMessage(conversationId, m),
    setWebhook: (target) => void (webhooks.target = target),
    webhookDeliveries: () => webhooks.deliveries.map((d) => ({ ...d })),
    requests: () => log.map((r) => ({ ...r, query: { ...r.query } })),
    clearRequests: () => void log.splice(0),
    addFaults: (...fs) => void faults.push(...fs.map((f) => ({ ...f }))),
    clearFaults: () => void (faults = []),
    reset: () => {
      state.reset();
      integrations.reset();
      log.splice(0);
      faults = [];
      webhooks.deliveries.splice(0);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Token first (401 for everyone without a valid one), then the account (404 for another account). */
function authenticate(apiToken: string, accountId: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = req.get('api_access_token') ?? req.get('api-access-token');
    if (!token) return res.status(401).json({ error: 'You need to sign in or sign up before continuing.' });
    if (token !== apiToken) return res.status(401).json({ error: 'Invalid Access Token' });
    if (String(req.params.accountId) !== String(accountId)) return res.status(404).json(NOT_FOUND);
    next();
  };
}

/** Record lookups by id: anything that is not a plain positive integer finds nothing. */
function numericParam(raw: unknown): number {
  return typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : -1;
}
