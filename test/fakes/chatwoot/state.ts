/**
 * The fake Chatwoot's data: contacts, conversations (by display_id) and messages of one account,
 * stored the way Chatwoot stores them (src/chatwoot/README.md §2, §5): emails lower-cased with blank -> null,
 * phones E.164 or "", epoch-second timestamps, monotonically increasing message ids.
 */
import { randomUUID } from 'node:crypto';
import type { ChatwootContact } from '../../../src/chatwoot/contact';

export interface FakeInbox {
  id: number;
  name: string;
  channel_type: string;
  channel_id: number;
  avatar_url: string;
  provider: string | null;
}

export interface FakeContact extends ChatwootContact {
  name: string;
  blocked: boolean;
  thumbnail: string;
  availability_status: 'online' | 'offline';
  /** epoch seconds */
  created_at: number;
  /** epoch seconds; moves when a save changes something (the REST contact JSON does not show it) */
  updated_at: number;
  /** epoch seconds; null = never active (the API then omits the key) */
  last_activity_at: number | null;
  contact_inboxes: { source_id: string; inbox: FakeInbox }[];
}

export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';

export interface FakeConversation {
  /** display_id */
  id: number;
  contactId: number;
  inboxId: number;
  status: ConversationStatus;
  labels: string[];
  custom_attributes: Record<string, unknown>;
  additional_attributes: Record<string, unknown>;
  assigneeId: number | null;
  priority: 'low' | 'medium' | 'high' | 'urgent' | null;
  /** epoch seconds */
  created_at: number;
  last_activity_at: number;
  /** epoch seconds; null until the first agent reply */
  first_reply_created_at: number | null;
  /** epoch seconds; 0 = not waiting */
  waiting_since: number;
  unread_count: number;
  uuid: string;
}

export type MessageType = 'incoming' | 'outgoing' | 'activity' | 'template';
export const MESSAGE_TYPE_CODES: Record<MessageType, 0 | 1 | 2 | 3> = {
  incoming: 0,
  outgoing: 1,
  activity: 2,
  template: 3,
};

export type FakeSender = { type: 'contact'; id: number } | { type: 'user'; id: number } | null;

export interface FakeMessage {
  id: number;
  /** display_id of its conversation */
  conversationId: number;
  content: string | null;
  message_type: 0 | 1 | 2 | 3;
  content_type: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  content_attributes: Record<string, unknown>;
  /** epoch seconds */
  created_at: number;
  private: boolean;
  source_id: string | null;
  sender: FakeSender;
}

/** A custom attribute definition (app/models/custom_attribute_definition.rb); timestamps epoch seconds. */
export interface FakeAttributeDefinition {
  id: number;
  attribute_display_name: string;
  attribute_display_type: AttributeDisplayType;
  attribute_description: string | null;
  attribute_key: string;
  attribute_model: AttributeModel;
  attribute_values: string[];
  regex_pattern: string | null;
  regex_cue: string | null;
  default_value: unknown;
  created_at: number;
  updated_at: number;
}

/** The enum values in Chatwoot's order (custom_attribute_definition.rb). */
export const ATTRIBUTE_DISPLAY_TYPES = [
  'text',
  'number',
  'currency',
  'percent',
  'link',
  'date',
  'list',
  'checkbox',
] as const;
export type AttributeDisplayType = (typeof ATTRIBUTE_DISPLAY_TYPES)[number];
export const ATTRIBUTE_MODELS = ['conversation_attribute', 'contact_attribute', 'company_attribute'] as const;
export type AttributeModel = (typeof ATTRIBUTE_MODELS)[number];

export interface FakeUser {
  id: number;
  name: string;
  available_name: string;
  email: string;
}

/** `name: null` is accepted (ChatwootContact allows it) and stored as "", Chatwoot's default. */
export type ContactInput = Partial<Omit<FakeContact, 'id' | 'name'>> & { id: number; name?: string | null };
export type ConversationInput = Partial<Omit<FakeConversation, 'id' | 'contactId'>> & { id: number; contactId: number };
export type MessageInput = Partial<Omit<FakeMessage, 'id' | 'conversationId' | 'message_type'>> & {
  id?: number;
  message_type?: MessageType | 0 | 1 | 2 | 3;
};

export const DEFAULT_INBOXES: FakeInbox[] = [
  { id: 3, name: 'Acme Website', channel_type: 'Channel::WebWidget', channel_id: 1, avatar_url: '', provider: null },
  {
    id: 5,
    name: 'Acme WhatsApp',
    channel_type: 'Channel::Whatsapp',
    channel_id: 1,
    avatar_url: '',
    provider: 'whatsapp_cloud',
  },
  // An API channel: the only kind where the REST API may post a customer's (incoming) message.
  { id: 6, name: 'Acme API', channel_type: 'Channel::Api', channel_id: 1, avatar_url: '', provider: null },
];
export const DEFAULT_AGENT: FakeUser = {
  id: 7,
  name: 'Max Mustermann',
  available_name: 'Max',
  email: 'max@acme.example',
};

/** Chatwoot's phone validation (contact.rb): E.164, or blank. */
const E164 = /^\+[1-9]\d{1,14}$/;

const nowSec = () => Math.floor(Date.now() / 1000);

export class FakeChatwootState {
  readonly contacts = new Map<number, FakeContact>();
  readonly conversations = new Map<number, FakeConversation>();
  readonly messages = new Map<number, FakeMessage[]>();
  readonly inboxes = new Map<number, FakeInbox>(DEFAULT_INBOXES.map((i) => [i.id, i]));
  readonly users = new Map<number, FakeUser>([[DEFAULT_AGENT.id, DEFAULT_AGENT]]);
  /** The account's custom attribute definitions, in creation order. */
  readonly attributeDefinitions: FakeAttributeDefinition[] = [];
  /** Contact labels (acts_as_taggable_on `labels`), kept in the order they were set. */
  readonly contactLabels = new Map<number, string[]>();
  private lastMessageId = 1000;

  /** Creates or replaces the given fields (custom/additional attributes are replaced, not merged). */
  upsertContact(input: ContactInput): FakeContact {
    const existing = this.contacts.get(input.id);
    const { name, ...rest } = input;
    const merged: FakeContact = {
      email: null,
      phone_number: null,
      identifier: null,
      blocked: false,
      thumbnail: '',
      availability_status: 'offline',
      additional_attributes: {},
      custom_attributes: {},
      created_at: rest.created_at ?? nowSec(),
      last_activity_at: null,
      contact_inboxes: [],
      ...existing,
      ...rest,
      name: name === undefined ? (existing?.name ?? '') : (name ?? ''),
      updated_at: rest.updated_at ?? nowSec(),
    };
    // As Chatwoot stores them: blank email -> null, lower-cased; phone E.164 or kept blank.
    merged.email = merged.email === null || merged.email.trim() === '' ? null : merged.email.trim().toLowerCase();
    if (merged.phone_number && !E164.test(merged.phone_number)) {
      throw new Error('fake Chatwoot: phone_number must be E.164 (Chatwoot rejects anything else with 422)');
    }
    this.contacts.set(merged.id, merged);
    return merged;
  }

  /** Deleting a contact destroys its conversations and messages too (dependent: :destroy_async). */
  deleteContact(id: number): void {
    this.contacts.delete(id);
    this.contactLabels.delete(id);
    for (const c of [...this.conversations.values()]) {
      if (c.contactId === id) {
        this.conversations.delete(c.id);
        this.messages.delete(c.id);
      }
    }
  }

  /**
   * ContactMergeAction (src/chatwoot/README.md §7): the mergee's conversations, messages and contact
   * inboxes move to the base, the mergee is destroyed (GET answers 404 from then on), and the base takes
   * `mergee_attrs.deep_merge(base_attrs)` with blank values dropped first: the base wins, the mergee
   * only fills what the base lacks. Returns the base before and after (the caller announces the change).
   */
  mergeContacts(baseId: number, mergeeId: number): { before: FakeContact; after: FakeContact } {
    const base = this.contacts.get(baseId);
    const mergee = this.contacts.get(mergeeId);
    if (!base || !mergee || baseId === mergeeId) throw new Error('fake Chatwoot: merge needs two existing contacts');
    for (const c of this.conversations.values()) if (c.contactId === mergeeId) c.contactId = baseId;
    for (const list of this.messages.values()) {
      for (const m of list)
        if (m.sender?.type === 'contact' && m.sender.id === mergeeId) m.sender = { type: 'contact', id: baseId };
    }
    const before = structuredClone(base);
    const present = (v: unknown) => v !== null && v !== undefined && v !== '';
    const pick = <K extends 'name' | 'email' | 'phone_number' | 'identifier'>(k: K) =>
      present(base[k]) ? base[k] : present(mergee[k]) ? mergee[k] : base[k];
    const hash = (k: 'additional_attributes' | 'custom_attributes') => ({
      ...Object.fromEntries(Object.entries(mergee[k] ?? {}).filter(([, v]) => present(v))),
      ...Object.fromEntries(Object.entries(base[k] ?? {}).filter(([, v]) => present(v))),
    });
    this.contacts.delete(mergeeId);
    this.contactLabels.delete(mergeeId);
    const after = this.upsertContact({
      id: baseId,
      name: pick('name'),
      email: pick('email'),
      phone_number: pick('phone_number'),
      identifier: pick('identifier'),
      additional_attributes: hash('additional_attributes'),
      custom_attributes: hash('custom_attributes'),
      contact_inboxes: [...base.contact_inboxes, ...mergee.contact_inboxes],
      updated_at: Math.floor(Date.now() / 1000),
    });
    return { before, after };
  }

  upsertConversation(input: ConversationInput): FakeConversation {
    if (!this.contacts.has(input.contactId)) throw new Error('fake Chatwoot: a conversation needs an existing contact');
    const existing = this.conversations.get(input.id);
    const created = existing?.created_at ?? input.created_at ?? nowSec();
    const conversation: FakeConversation = {
      inboxId: DEFAULT_INBOXES[0]!.id,
      status: 'open',
      labels: [],
      custom_attributes: {},
      additional_attributes: {},
      assigneeId: null,
      priority: null,
      created_at: created,
      last_activity_at: created,
      first_reply_created_at: null,
      waiting_since: 0,
      unread_count: 0,
      uuid: randomUUID(),
      ...existing,
      ...input,
    };
    if (!this.inboxes.has(conversation.inboxId)) throw new Error('fake Chatwoot: unknown inbox');
    this.conversations.set(conversation.id, conversation);
    if (!this.messages.has(conversation.id)) this.messages.set(conversation.id, []);
    return conversation;
  }

  /** Adds a message; ids increase monotonically like Postgres ids. Senders default by message type. */
  addMessage(conversationId: number, input: MessageInput = {}): FakeMessage {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) throw new Error('fake Chatwoot: unknown conversation');
    const type =
      typeof input.message_type === 'number'
        ? input.message_type
        : MESSAGE_TYPE_CODES[input.message_type ?? 'incoming'];
    const id = input.id ?? this.lastMessageId + 1;
    this.lastMessageId = Math.max(this.lastMessageId, id);
    const defaultSender: FakeSender =
      type === 0
        ? { type: 'contact', id: conversation.contactId }
        : type === 2
          ? null
          : { type: 'user', id: DEFAULT_AGENT.id };
    const message: FakeMessage = {
      content: `message ${id}`,
      content_type: 'text',
      status: 'sent',
      content_attributes: {},
      created_at: Math.max(nowSec(), conversation.created_at),
      private: false,
      source_id: null,
      sender: defaultSender,
      ...input,
      id,
      conversationId,
      message_type: type,
    };
    const list = this.messages.get(conversationId) ?? [];
    list.push(message);
    this.messages.set(conversationId, list);
    if (!message.private && type !== 2)
      conversation.last_activity_at = Math.max(conversation.last_activity_at, message.created_at);
    return message;
  }

  /** Chatwoot orders messages by created_at (ties by id); answers are always ascending. */
  messagesOf(conversationId: number): FakeMessage[] {
    return [...(this.messages.get(conversationId) ?? [])].sort((a, b) => a.created_at - b.created_at || a.id - b.id);
  }

  reset(): void {
    this.contacts.clear();
    this.conversations.clear();
    this.messages.clear();
    this.attributeDefinitions.splice(0);
    this.contactLabels.clear();
    this.lastMessageId = 1000;
  }
}
