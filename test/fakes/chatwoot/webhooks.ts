/**
 * The account webhooks the fake Chatwoot sends when its state is changed through its REST API, in
 * Chatwoot v4.15.1's shapes (src/chatwoot/README.md §2: Contact#webhook_data, Conversations::EventDataPresenter,
 * Message#webhook_data), signed like Chatwoot >= 4.11.2 (src/chatwoot/README.md §4: HMAC-SHA256 over
 * "<timestamp>.<raw body>", X-Chatwoot-Timestamp / X-Chatwoot-Signature / X-Chatwoot-Delivery).
 *
 * Unlike Chatwoot (a Sidekiq job per event, unordered), the fake delivers each event before the API
 * call that caused it answers, in order: a caller that waits for the answer knows it was delivered.
 */
import { randomUUID } from 'node:crypto';
import { signWebhook } from '../../../src/chatwoot/signature';
import type { FakeChatwootState, FakeContact, FakeConversation, FakeMessage, FakeSender } from './state';

export interface WebhookTarget {
  /** e.g. http://127.0.0.1:3000/webhooks/chatwoot/demo */
  url: string;
  /** The webhook's secret; unsigned deliveries when absent (Chatwoot < 4.11.2). */
  secret?: string;
}

export interface WebhookDelivery {
  event: string;
  /** 0 when the POST failed (network error); Chatwoot does not retry either */
  status: number;
}

export type AttributeChanges = Record<string, { previous_value: unknown; current_value: unknown }>;

const ACCOUNT_NAME = 'Acme Support';
const MESSAGE_TYPE_NAMES = ['incoming', 'outgoing', 'activity', 'template'] as const;
const iso = (sec: number) => new Date(sec * 1000).toISOString();

export class WebhookSender {
  target: WebhookTarget | null = null;
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly state: FakeChatwootState,
    private readonly accountId: number,
  ) {}

  contactCreated(c: FakeContact): Promise<void> {
    return this.send({ ...this.contactData(c), event: 'contact_created' });
  }

  /** changed_attributes in the contacts table's column order, the virtual label_list last (as Rails lists them). */
  contactUpdated(c: FakeContact, changes: AttributeChanges): Promise<void> {
    const ordered = Object.fromEntries(
      Object.entries(changes).sort(([a], [b]) => contactColumnRank(a) - contactColumnRank(b)),
    );
    return this.send({ ...this.contactData(c), event: 'contact_updated', changed_attributes: changeList(ordered) });
  }

  conversationCreated(conv: FakeConversation): Promise<void> {
    return this.send({ ...this.conversationData(conv), event: 'conversation_created' });
  }

  conversationUpdated(conv: FakeConversation, changes: AttributeChanges): Promise<void> {
    return this.send({
      ...this.conversationData(conv),
      event: 'conversation_updated',
      changed_attributes: changeList(changes),
    });
  }

  /** changed_attributes is null here in v4.15.1 (dirty tracking already reset). */
  conversationStatusChanged(conv: FakeConversation): Promise<void> {
    return this.send({
      ...this.conversationData(conv),
      event: 'conversation_status_changed',
      changed_attributes: null,
    });
  }

  /** Activity messages are never sent (message_filter_helpers.rb `webhook_sendable?`). */
  messageCreated(m: FakeMessage): Promise<void> {
    if (m.message_type === 2) return Promise.resolve();
    const conv = this.state.conversations.get(m.conversationId);
    if (!conv) return Promise.resolve();
    const inbox = this.state.inboxes.get(conv.inboxId);
    return this.send({
      account: this.account(),
      additional_attributes: {},
      content_attributes: m.content_attributes,
      content_type: m.content_type,
      content: m.content,
      conversation: this.conversationData(conv),
      created_at: iso(m.created_at),
      id: m.id,
      inbox: { id: conv.inboxId, name: inbox?.name ?? '' },
      message_type: MESSAGE_TYPE_NAMES[m.message_type],
      private: m.private,
      sender: this.messageSender(m.sender),
      source_id: m.source_id,
      event: 'message_created',
    });
  }

  private account() {
    return { id: this.accountId, name: ACCOUNT_NAME };
  }

  private contactData(c: FakeContact): Record<string, unknown> {
    return {
      account: this.account(),
      additional_attributes: c.additional_attributes,
      avatar: '',
      custom_attributes: c.custom_attributes,
      email: c.email,
      id: c.id,
      identifier: c.identifier,
      name: c.name,
      phone_number: c.phone_number,
      thumbnail: c.thumbnail,
      blocked: c.blocked,
    };
  }

  private contactPushData(c: FakeContact): Record<string, unknown> {
    const { account: _account, avatar: _avatar, ...rest } = this.contactData(c);
    return { ...rest, type: 'contact' };
  }

  private userActor(id: number): Record<string, unknown> | null {
    const u = this.state.users.get(id);
    return u ? { id: u.id, name: u.name, available_name: u.available_name, type: 'user' } : null;
  }

  /** User#webhook_data: `{id, name, email, type}` (not the push_event_data the conversation meta uses). */
  private userWebhookData(id: number): Record<string, unknown> | null {
    const u = this.state.users.get(id);
    return u ? { id: u.id, name: u.name, email: u.email, type: 'user' } : null;
  }

  private messageSender(sender: FakeSender): Record<string, unknown> | null {
    if (sender === null) return null;
    if (sender.type === 'user') return this.userWebhookData(sender.id);
    const contact = this.state.contacts.get(sender.id);
    return contact ? this.contactData(contact) : null;
  }

  /** Message#push_event_data: the conversation's last chat message in `messages`. */
  private nestedMessage(m: FakeMessage, conv: FakeConversation): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: m.id,
      content: m.content,
      account_id: this.accountId,
      inbox_id: conv.inboxId,
      conversation_id: conv.id,
      message_type: m.message_type,
      created_at: m.created_at,
      updated_at: iso(m.created_at),
      private: m.private,
      status: m.status,
      source_id: m.source_id,
      content_type: m.content_type,
      content_attributes: m.content_attributes,
      sender_type: m.sender === null ? null : m.sender.type === 'user' ? 'User' : 'Contact',
      sender_id: m.sender?.id ?? null,
    };
    const contact = m.sender?.type === 'contact' ? this.state.contacts.get(m.sender.id) : undefined;
    const sender = contact
      ? this.contactPushData(contact)
      : m.sender?.type === 'user'
        ? this.userActor(m.sender.id)
        : null;
    if (sender) json.sender = sender;
    return json;
  }

  /** Conversations::EventDataPresenter#push_data. `id` is the display_id. */
  private conversationData(conv: FakeConversation): Record<string, unknown> {
    const contact = this.state.contacts.get(conv.contactId);
    const inbox = this.state.inboxes.get(conv.inboxId);
    // The last non-activity, non-private message: a private note never shows here (src/chatwoot/README.md §2).
    const chat = this.state.messagesOf(conv.id).filter((m) => m.message_type !== 2 && !m.private);
    const last = chat[chat.length - 1];
    return {
      additional_attributes: conv.additional_attributes,
      can_reply: true,
      channel: inbox?.channel_type ?? 'Channel::Api',
      contact_inbox: {
        id: conv.contactId,
        contact_id: conv.contactId,
        inbox_id: conv.inboxId,
        source_id: conv.uuid,
        created_at: iso(conv.created_at),
        updated_at: iso(conv.created_at),
        hmac_verified: false,
        pubsub_token: null,
      },
      id: conv.id,
      inbox_id: conv.inboxId,
      messages: last ? [this.nestedMessage(last, conv)] : [],
      labels: conv.labels,
      meta: {
        sender: contact ? this.contactPushData(contact) : null,
        assignee: conv.assigneeId === null ? null : this.userActor(conv.assigneeId),
        assignee_type: conv.assigneeId === null ? null : 'User',
        team: null,
        hmac_verified: false,
      },
      status: conv.status,
      custom_attributes: conv.custom_attributes,
      snoozed_until: null,
      unread_count: conv.unread_count,
      first_reply_created_at: conv.first_reply_created_at === null ? null : iso(conv.first_reply_created_at),
      priority: conv.priority,
      waiting_since: conv.waiting_since,
      agent_last_seen_at: 0,
      contact_last_seen_at: 0,
      last_activity_at: conv.last_activity_at,
      timestamp: conv.last_activity_at,
      created_at: conv.created_at,
      updated_at: conv.last_activity_at + 0.123456,
      account: this.account(),
    };
  }

  private async send(body: Record<string, unknown>): Promise<void> {
    const target = this.target;
    if (!target) return;
    const raw = JSON.stringify(body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-chatwoot-delivery': randomUUID(),
    };
    if (target.secret) {
      const ts = Math.floor(Date.now() / 1000);
      headers['x-chatwoot-timestamp'] = String(ts);
      headers['x-chatwoot-signature'] = signWebhook(target.secret, raw, ts);
    }
    const delivery: WebhookDelivery = { event: String(body.event), status: 0 };
    this.deliveries.push(delivery);
    try {
      const res = await fetch(target.url, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(10_000) });
      delivery.status = res.status;
      await res.arrayBuffer();
    } catch {
      // Chatwoot logs a failed delivery and moves on (no retry).
    }
  }
}

/** `changed_attributes`: one single-key object per attribute, updated_at included as Chatwoot does. */
function changeList(changes: AttributeChanges): AttributeChanges[] {
  return Object.entries(changes).map(([name, change]) => ({ [name]: change }));
}

/**
 * Rails lists previous_changes in the table's column order (db/schema.rb `contacts`), then virtual
 * attributes such as acts_as_taggable_on's label_list. Unknown names sort before label_list.
 */
const CONTACT_COLUMNS = [
  'name',
  'email',
  'phone_number',
  'account_id',
  'created_at',
  'updated_at',
  'additional_attributes',
  'identifier',
  'custom_attributes',
  'last_activity_at',
  'contact_type',
  'blocked',
];

function contactColumnRank(name: string): number {
  if (name === 'label_list') return CONTACT_COLUMNS.length + 1;
  const i = CONTACT_COLUMNS.indexOf(name);
  return i < 0 ? CONTACT_COLUMNS.length : i;
}
