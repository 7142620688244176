/**
 * Chatwoot REST client for one connection (src/chatwoot/README.md §5). One instance per connection: the token
 * is bound to its own origin and account, so one tenant's token can never reach another's server.
 *
 * Every method resolves with a zod-checked value or rejects with an error from errors.ts. The writes are
 * the CRM facts' (ChatwootCrmWriteApi). No method retries (Temporal activities own retries) and nothing here logs; error messages hold route
 * templates and statuses only, never the token, ids or contact data.
 */
import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import type { ConnectionConfig } from '../config/schema';
import {
  agentListResponse,
  apiConversation,
  attributeDefinition,
  attributeDefinitionList,
  contactConversationsResponse,
  contactLabelsResponse,
  createdMessage,
  contactListResponse,
  contactCreateResponse,
  contactShowResponse,
  conversationListResponse,
  messageListResponse,
  type ChatwootApiAgent,
  type ChatwootApiContact,
  type ChatwootAttributeDefinition,
  type ChatwootContactConversation,
  type ChatwootApiConversation,
  type ChatwootApiMessage,
} from './api-schemas';
import type { ChatwootApi } from './contact';
import {
  ChatwootAuthError,
  ChatwootNotFoundError,
  ChatwootRateLimitedError,
  ChatwootTransientError,
  ChatwootUnexpectedResponseError,
  ChatwootValidationError,
} from './errors';

export interface ChatwootClientOptions {
  /** Chatwoot origin, e.g. https://chat.example.com (a trailing slash is ignored). */
  baseUrl: string;
  accountId: number;
  apiToken: string;
  /** Whole-request deadline (connect, headers and body); default 10 s. */
  timeoutMs?: number;
  /** undici dispatcher (connection pool, proxy); default the global one. */
  dispatcher?: Dispatcher;
}

/** GET /contacts pages are fixed at 15 (contacts_controller.rb). */
export const CONTACTS_PAGE_SIZE = 15;

export type ContactSort =
  'name' | 'email' | 'phone_number' | 'last_activity_at' | 'created_at' | 'company_name' | 'city' | 'country';
/** Prefix "-" for descending. Without a sort the order is undefined, so paging needs one. */
export type ContactSortParam = ContactSort | `-${ContactSort}`;

export interface ContactPage {
  contacts: ChatwootApiContact[];
  /** Total number of (resolved) contacts in the account, across pages. */
  totalCount: number;
  page: number;
}

/** GET /conversations pages are fixed at 25 (CONVERSATION_RESULTS_PER_PAGE). */
export const CONVERSATIONS_PAGE_SIZE = 25;

/** One page of conversations, most recent activity first, with what the reconciliation compares. */
export interface ConversationPage {
  conversations: { displayId: number; contactId: number; lastActivityAt: number }[];
}

export interface MessagePage {
  /** Ascending by creation (Chatwoot always answers oldest first). */
  messages: ChatwootApiMessage[];
  meta: Record<string, unknown>;
}

/** Everything the sync reads from Chatwoot (the ChatwootApi contract plus conversation reads). */
export interface ChatwootReadApi extends ChatwootApi {
  getContact(contactId: number): Promise<ChatwootApiContact | null>;
  getConversation(displayId: number): Promise<ChatwootApiConversation | null>;
  listMessages(displayId: number, cursor?: { before?: number; after?: number }): Promise<MessagePage>;
  listAllMessages(displayId: number, maxMessages: number): Promise<ChatwootApiMessage[]>;
  listFirstMessages(displayId: number): Promise<ChatwootApiMessage[]>;
  listContacts(page: number, sort: ContactSortParam): Promise<ContactPage>;
  listConversations(page: number): Promise<ConversationPage>;
  listAgents(): Promise<ChatwootApiAgent[]>;
  /** Throws unless the token and account id work. */
  checkAccess(): Promise<void>;
}

/** attribute_display_type of a custom attribute definition (custom_attribute_definition.rb enum). */
export type AttributeDisplayType = 'text' | 'number' | 'currency' | 'percent' | 'link' | 'date' | 'list' | 'checkbox';

export interface NewAttributeDefinition {
  attribute_key: string;
  attribute_display_name: string;
  attribute_display_type: AttributeDisplayType;
  attribute_description?: string;
}

/**
 * The writes that bring CRM facts onto a contact (docs/two-way-sync.md, "CRM facts in Chatwoot"). Each one comes back
 * as a webhook (contact_updated, message_created): callers record what they wrote to recognise it.
 */
export interface ChatwootCrmWriteApi {
  /** The account's contact attribute definitions (a bare array, every one: Chatwoot does not page it). */
  listContactAttributeDefinitions(): Promise<ChatwootAttributeDefinition[]>;
  /** Admin token only. A key already defined answers 422 "Attribute key has already been taken". */
  createContactAttributeDefinition(definition: NewAttributeDefinition): Promise<ChatwootAttributeDefinition>;
  /** Shallow-merged into the contact's custom_attributes (keys not sent stay). null when the contact is gone. */
  updateContactCustomAttributes(
    contactId: number,
    attributes: Record<string, string | number | boolean | null>,
  ): Promise<ChatwootApiContact | null>;
  /** Removes these keys from the contact's custom_attributes. null when the contact is gone. */
  destroyContactCustomAttributes(contactId: number, keys: string[]): Promise<ChatwootApiContact | null>;
  /** null when the contact is gone. */
  getContactLabels(contactId: number): Promise<string[] | null>;
  /** REPLACES the contact's whole label set; resolves the set as stored. null when the contact is gone. */
  setContactLabels(contactId: number, labels: string[]): Promise<string[] | null>;
  /** The contact's (at most 20) most recent conversations, any status. null when the contact is gone. */
  listContactConversations(contactId: number): Promise<ChatwootContactConversation[] | null>;
  /** A private note (never sent to the customer). null when the conversation is gone. */
  createPrivateNote(displayId: number, content: string): Promise<{ id: number } | null>;
}

/** A contact field the exact-match filter compares (POST /contacts/filter, `equal_to`, case-insensitive). */
export type ContactMatchKey = 'email' | 'phone_number' | 'identifier';

export interface NewChatwootContact {
  name: string;
  email?: string;
  /** E.164 only: Chatwoot answers 422 to anything else. */
  phone_number?: string;
  identifier?: string;
}

/**
 * Contacts for persons created in Krayin (KRAYIN_NEW_PERSONS=create, docs/two-way-sync.md): find a contact
 * that already has the person's email or phone, else create one. The created contact comes back as a
 * contact_created webhook.
 */
export interface ChatwootContactCreateApi {
  /** Contacts whose field equals `value` (first page, at most 15; only contacts with an email, phone or identifier). */
  findContactsBy(key: ContactMatchKey, value: string): Promise<ChatwootApiContact[]>;
  /** 422 (ChatwootValidationError) when the email, phone or identifier belongs to another contact. */
  createContact(contact: NewChatwootContact): Promise<ChatwootApiContact>;
}

/** What a connection's Chatwoot client offers: the reads of the sync and its writes. */
export type ChatwootConnectionApi = ChatwootReadApi & ChatwootCrmWriteApi & ChatwootContactCreateApi;

type Query = Record<string, string | number | undefined>;
type Body = Record<string, unknown>;

export class ChatwootClient implements ChatwootConnectionApi {
  private readonly accountBase: string;
  private readonly apiToken: string;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher | undefined;

  constructor(opts: ChatwootClientOptions) {
    this.accountBase = `${opts.baseUrl.replace(/\/+$/, '')}/api/v1/accounts/${opts.accountId}`;
    this.apiToken = opts.apiToken;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.dispatcher = opts.dispatcher;
  }

  static forConnection(connection: ConnectionConfig, dispatcher?: Dispatcher): ChatwootClient {
    const { url, accountId, apiToken, timeoutMs } = connection.chatwoot;
    return new ChatwootClient({ baseUrl: url, accountId, apiToken, timeoutMs, dispatcher });
  }

  /** null when the contact is gone: Chatwoot answers 404 for deleted and merged-away contacts alike. */
  async getContact(contactId: number): Promise<ChatwootApiContact | null> {
    const body = await this.get('GET /contacts/{id}', `/contacts/${positiveInt(contactId)}`, {}, { nullOn404: true });
    return body === null ? null : parse('GET /contacts/{id}', contactShowResponse, body).payload;
  }

  async findContactsBy(key: ContactMatchKey, value: string): Promise<ChatwootApiContact[]> {
    const endpoint = 'POST /contacts/filter';
    const body = await this.send('POST', endpoint, '/contacts/filter?page=1', {
      payload: [{ attribute_key: key, filter_operator: 'equal_to', values: [value], query_operator: null }],
    });
    return parse(endpoint, contactListResponse, body).payload;
  }

  async createContact(contact: NewChatwootContact): Promise<ChatwootApiContact> {
    const endpoint = 'POST /contacts';
    const body = await this.send('POST', endpoint, '/contacts', { ...contact });
    return parse(endpoint, contactCreateResponse, body).payload.contact;
  }

  /** `displayId` is the number webhooks call `id`. null when the conversation was deleted. */
  async getConversation(displayId: number): Promise<ChatwootApiConversation | null> {
    const endpoint = 'GET /conversations/{display_id}';
    const body = await this.get(endpoint, `/conversations/${positiveInt(displayId)}`, {}, { nullOn404: true });
    return body === null ? null : parse(endpoint, apiConversation, body);
  }

  /**
   * No cursor: the latest 20. `before`: the 20 before that message id. `after`: up to 100 after it.
   * Both: up to 1000 in between. Always ascending.
   */
  async listMessages(displayId: number, cursor: { before?: number; after?: number } = {}): Promise<MessagePage> {
    const endpoint = 'GET /conversations/{display_id}/messages';
    const query: Query = {
      before: cursor.before === undefined ? undefined : positiveInt(cursor.before),
      after: cursor.after === undefined ? undefined : positiveInt(cursor.after),
    };
    const body = await this.get(endpoint, `/conversations/${positiveInt(displayId)}/messages`, query);
    const page = parse(endpoint, messageListResponse, body);
    return { messages: page.payload, meta: page.meta };
  }

  /**
   * The newest `maxMessages` messages of a conversation, ascending: pages backwards with
   * `before=<smallest id seen>` until an empty page (src/chatwoot/README.md §5).
   */
  async listAllMessages(displayId: number, maxMessages: number): Promise<ChatwootApiMessage[]> {
    if (!Number.isInteger(maxMessages) || maxMessages < 1)
      throw new RangeError('maxMessages must be a positive integer');
    const pages: ChatwootApiMessage[][] = [];
    let count = 0;
    let before: number | undefined;
    while (count < maxMessages) {
      const { messages } = await this.listMessages(displayId, { before });
      // A page that does not move the cursor strictly backwards would loop forever: stop instead.
      const older = before === undefined ? messages : messages.filter((m) => m.id < (before as number));
      if (older.length === 0) break;
      pages.unshift(older);
      count += older.length;
      before = Math.min(...older.map((m) => m.id));
    }
    const all = pages.flat();
    return all.slice(Math.max(0, all.length - maxMessages));
  }

  /**
   * The oldest (up to 100) messages, ascending: `after=0` (MessageFinder#messages_after, since "0" is
   * present in Rails). Gives the conversation's opening words however long it has grown.
   */
  async listFirstMessages(displayId: number): Promise<ChatwootApiMessage[]> {
    const endpoint = 'GET /conversations/{display_id}/messages';
    const body = await this.get(endpoint, `/conversations/${positiveInt(displayId)}/messages`, { after: 0 });
    return parse(endpoint, messageListResponse, body).payload;
  }

  /** One page of resolved contacts (with an email, phone or identifier), 15 per page. */
  async listContacts(page: number, sort: ContactSortParam): Promise<ContactPage> {
    const endpoint = 'GET /contacts';
    const body = await this.get(endpoint, '/contacts', { page: positiveInt(page), sort });
    const parsed = parse(endpoint, contactListResponse, body);
    return { contacts: parsed.payload, totalCount: parsed.meta.count, page: Number(parsed.meta.current_page) };
  }

  /** One page of all conversations (any status, any assignee), most recent activity first. */
  async listConversations(page: number): Promise<ConversationPage> {
    const endpoint = 'GET /conversations';
    const query = { status: 'all', assignee_type: 'all', sort_by: 'last_activity_at_desc', page: positiveInt(page) };
    const parsed = parse(endpoint, conversationListResponse, await this.get(endpoint, '/conversations', query));
    return {
      conversations: parsed.data.payload.map((c) => ({
        displayId: c.id,
        contactId: c.meta.sender.id,
        lastActivityAt: c.timestamp,
      })),
    };
  }

  /**
   * The account's agents with their emails. Conversation payloads name the assignee without an email,
   * so this is how an assignee is matched to a Krayin user.
   */
  async listAgents(): Promise<ChatwootApiAgent[]> {
    const endpoint = 'GET /agents';
    return parse(endpoint, agentListResponse, await this.get(endpoint, '/agents', {}));
  }

  /**
   * Proves the token and account id work (readiness): a wrong account id answers 404 for every
   * contact, which would otherwise look like "every contact was deleted".
   */
  async checkAccess(): Promise<void> {
    const endpoint = 'GET /contacts';
    const body = await this.get(endpoint, '/contacts', { page: 1, sort: 'created_at' }, { nullOn404: true });
    if (body === null)
      throw new ChatwootNotFoundError(endpoint, 'Chatwoot answered 404 for the account: wrong account id?');
    parse(endpoint, contactListResponse, body);
  }

  // -- CRM facts (writes)

  async listContactAttributeDefinitions(): Promise<ChatwootAttributeDefinition[]> {
    const endpoint = 'GET /custom_attribute_definitions';
    const body = await this.get(endpoint, '/custom_attribute_definitions', { attribute_model: 'contact_attribute' });
    return parse(endpoint, attributeDefinitionList, body);
  }

  async createContactAttributeDefinition(definition: NewAttributeDefinition): Promise<ChatwootAttributeDefinition> {
    const endpoint = 'POST /custom_attribute_definitions';
    const body = { ...definition, attribute_model: 'contact_attribute' };
    return parse(
      endpoint,
      attributeDefinition,
      await this.send('POST', endpoint, '/custom_attribute_definitions', body),
    );
  }

  async updateContactCustomAttributes(
    contactId: number,
    attributes: Record<string, string | number | boolean | null>,
  ): Promise<ChatwootApiContact | null> {
    const endpoint = 'PATCH /contacts/{id}';
    const path = `/contacts/${positiveInt(contactId)}`;
    const body = await this.send('PATCH', endpoint, path, { custom_attributes: attributes }, { nullOn404: true });
    return body === null ? null : parse(endpoint, contactShowResponse, body).payload;
  }

  async destroyContactCustomAttributes(contactId: number, keys: string[]): Promise<ChatwootApiContact | null> {
    const endpoint = 'POST /contacts/{id}/destroy_custom_attributes';
    const path = `/contacts/${positiveInt(contactId)}/destroy_custom_attributes`;
    const body = await this.send('POST', endpoint, path, { custom_attributes: keys }, { nullOn404: true });
    return body === null ? null : parse(endpoint, contactShowResponse, body).payload;
  }

  async getContactLabels(contactId: number): Promise<string[] | null> {
    const endpoint = 'GET /contacts/{id}/labels';
    const body = await this.get(endpoint, `/contacts/${positiveInt(contactId)}/labels`, {}, { nullOn404: true });
    return body === null ? null : parse(endpoint, contactLabelsResponse, body).payload;
  }

  async setContactLabels(contactId: number, labels: string[]): Promise<string[] | null> {
    const endpoint = 'POST /contacts/{id}/labels';
    const path = `/contacts/${positiveInt(contactId)}/labels`;
    const body = await this.send('POST', endpoint, path, { labels }, { nullOn404: true });
    return body === null ? null : parse(endpoint, contactLabelsResponse, body).payload;
  }

  async listContactConversations(contactId: number): Promise<ChatwootContactConversation[] | null> {
    const endpoint = 'GET /contacts/{id}/conversations';
    const body = await this.get(endpoint, `/contacts/${positiveInt(contactId)}/conversations`, {}, { nullOn404: true });
    return body === null ? null : parse(endpoint, contactConversationsResponse, body).payload;
  }

  async createPrivateNote(displayId: number, content: string): Promise<{ id: number } | null> {
    const endpoint = 'POST /conversations/{display_id}/messages';
    const path = `/conversations/${positiveInt(displayId)}/messages`;
    const body = await this.send(
      'POST',
      endpoint,
      path,
      { content, message_type: 'outgoing', private: true },
      { nullOn404: true },
    );
    return body === null ? null : { id: parse(endpoint, createdMessage, body).id };
  }

  private async get(endpoint: string, path: string, query: Query, opts?: { nullOn404: false }): Promise<unknown>;
  private async get(endpoint: string, path: string, query: Query, opts: { nullOn404: true }): Promise<unknown | null>;
  private async get(endpoint: string, path: string, query: Query, opts = { nullOn404: false }): Promise<unknown> {
    const url = new URL(`${this.accountBase}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return this.call('GET', endpoint, url, undefined, opts.nullOn404);
  }

  /** A write. Not retried here: a write that timed out may still have happened (the activity decides). */
  private async send(
    method: 'POST' | 'PATCH',
    endpoint: string,
    path: string,
    body: Body,
    opts = { nullOn404: false },
  ): Promise<unknown> {
    return this.call(method, endpoint, new URL(`${this.accountBase}${path}`), body, opts.nullOn404);
  }

  private async call(
    method: 'GET' | 'POST' | 'PATCH',
    endpoint: string,
    url: URL,
    body: Body | undefined,
    nullOn404: boolean,
  ): Promise<unknown> {
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      const headers: Record<string, string> = { api_access_token: this.apiToken, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      res = await request(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.body.text();
    } catch (err) {
      throw new ChatwootTransientError(endpoint, null, `Chatwoot request failed: ${describeNetworkError(err)}`);
    }

    const status = res.statusCode;
    if (status >= 200 && status < 300) return parseJson(endpoint, status, text);
    if (status === 404 && nullOn404) return null;
    throw errorForStatus(endpoint, status, text, res.headers['retry-after']);
  }
}

export function errorForStatus(endpoint: string, status: number, text: string, retryAfter: unknown): Error {
  const at = `Chatwoot answered ${status} for ${endpoint}`;
  if (status === 401 || status === 403) return new ChatwootAuthError(endpoint, status, `${at}: token rejected`);
  if (status === 429)
    return new ChatwootRateLimitedError(endpoint, retryAfterSeconds(retryAfter), `${at}: rate limited`);
  if (status === 422) {
    const { message, attributes } = validationDetails(text);
    return new ChatwootValidationError(endpoint, attributes, `${at}${message ? `: ${message}` : ''}`);
  }
  if (status === 404) return new ChatwootNotFoundError(endpoint, `${at}: resource could not be found`);
  if (status >= 500) return new ChatwootTransientError(endpoint, status, at);
  return new ChatwootUnexpectedResponseError(endpoint, status, at);
}

/** 422 bodies: `{"message", "attributes"}` or `{"error"}`. Chatwoot's texts are static i18n strings. */
function validationDetails(text: string): { message: string | null; attributes: string[] } {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown; attributes?: unknown };
    const message =
      typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : null;
    const attributes = Array.isArray(body.attributes) ? body.attributes.filter((a) => typeof a === 'string') : [];
    return { message: message?.slice(0, 200) ?? null, attributes };
  } catch {
    return { message: null, attributes: [] };
  }
}

function retryAfterSeconds(value: unknown): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string' || !/^\d+$/.test(v.trim())) return null;
  return Number(v.trim());
}

function parseJson(endpoint: string, status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ChatwootUnexpectedResponseError(endpoint, status, `Chatwoot answered ${status} with a non-JSON body`);
  }
}

function parse<T extends z.ZodType>(endpoint: string, schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  // Paths only: the values are contact data.
  const paths = result.error.issues.slice(0, 5).map((i) => i.path.map(String).join('.') || '(root)');
  throw new ChatwootUnexpectedResponseError(endpoint, 200, `unexpected response shape at ${paths.join(', ')}`);
}

/** Duck-typed: undici's DOMException (timeouts) may come from another realm, where instanceof Error fails. */
export function describeNetworkError(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; code?: unknown };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
  if (typeof e.code === 'string') return e.code;
  return typeof e.name === 'string' ? e.name : 'unknown error';
}

function positiveInt(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('Chatwoot ids and pages are positive integers');
  return n;
}
