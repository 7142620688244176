/**
 * JSON shapes of the fake's REST answers, after Chatwoot's jbuilder views (src/chatwoot/README.md §5): epoch-int
 * timestamps, no contact `updated_at`, `last_activity_at` omitted when null, `message_type` as an int,
 * `conversation_id` = display_id, conversation `first_reply_created_at` 0 when null.
 * Shapes marked (inferred) follow Chatwoot's views as read, beyond what that section spells out.
 */
import type { FakeChatwootState, FakeContact, FakeConversation, FakeMessage, FakeSender } from './state';

/** app/views/api/v1/models/_contact.json.jbuilder */
export function apiContact(c: FakeContact, withInboxes = true): Record<string, unknown> {
  const json: Record<string, unknown> = {
    additional_attributes: c.additional_attributes,
    availability_status: c.availability_status,
    email: c.email,
    id: c.id,
    name: c.name,
    phone_number: c.phone_number,
    blocked: c.blocked,
    identifier: c.identifier,
    thumbnail: c.thumbnail,
    custom_attributes: c.custom_attributes,
  };
  if (c.last_activity_at !== null) json.last_activity_at = c.last_activity_at;
  json.created_at = c.created_at;
  if (withInboxes) {
    json.contact_inboxes = c.contact_inboxes.map((ci) => ({
      source_id: ci.source_id,
      inbox: {
        id: ci.inbox.id,
        avatar_url: ci.inbox.avatar_url,
        channel_id: ci.inbox.channel_id,
        name: ci.inbox.name,
        channel_type: ci.inbox.channel_type,
        provider: ci.inbox.provider,
      },
    }));
  }
  return json;
}

/** Contact#push_event_data: message senders (no account/avatar, with type). */
function contactPushData(c: FakeContact): Record<string, unknown> {
  return {
    additional_attributes: c.additional_attributes,
    custom_attributes: c.custom_attributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phone_number,
    thumbnail: c.thumbnail,
    blocked: c.blocked,
    type: 'contact',
  };
}

function userPushData(state: FakeChatwootState, id: number): Record<string, unknown> | null {
  const u = state.users.get(id);
  if (!u) return null;
  return {
    id: u.id,
    name: u.name,
    available_name: u.available_name,
    avatar_url: '',
    type: 'user',
    availability_status: 'offline',
    thumbnail: '',
  };
}

function senderJson(state: FakeChatwootState, sender: FakeSender): Record<string, unknown> | null {
  if (sender === null) return null;
  if (sender.type === 'user') return userPushData(state, sender.id);
  const contact = state.contacts.get(sender.id);
  return contact ? contactPushData(contact) : null;
}

/** app/views/api/v1/conversations/partials/_message.json.jbuilder: `sender` omitted when there is none. */
export function apiMessage(state: FakeChatwootState, m: FakeMessage): Record<string, unknown> {
  const conversation = state.conversations.get(m.conversationId);
  const json: Record<string, unknown> = {
    id: m.id,
    content: m.content,
    inbox_id: conversation?.inboxId ?? null,
    conversation_id: m.conversationId,
    message_type: m.message_type,
    content_type: m.content_type,
    status: m.status,
    content_attributes: m.content_attributes,
    created_at: m.created_at,
    private: m.private,
    source_id: m.source_id,
  };
  const sender = senderJson(state, m.sender);
  if (sender) json.sender = sender;
  return json;
}

/** Contact model as_json, used by the messages index meta (inferred: `json.contact @conversation.contact`). */
function contactModelJson(c: FakeContact | undefined): Record<string, unknown> | null {
  if (!c) return null;
  const iso = (sec: number | null) => (sec === null ? null : new Date(sec * 1000).toISOString());
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone_number: c.phone_number,
    identifier: c.identifier,
    additional_attributes: c.additional_attributes,
    custom_attributes: c.custom_attributes,
    blocked: c.blocked,
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
    last_activity_at: iso(c.last_activity_at),
  };
}

export function messagesMeta(state: FakeChatwootState, conv: FakeConversation): Record<string, unknown> {
  const agent = conv.assigneeId === null ? undefined : state.users.get(conv.assigneeId);
  return {
    labels: conv.labels,
    additional_attributes: conv.additional_attributes,
    contact: contactModelJson(state.contacts.get(conv.contactId)),
    assignee: agent ? { id: agent.id, name: agent.name, available_name: agent.available_name } : null,
    agent_last_seen_at: null,
    assignee_last_seen_at: null,
  };
}

/** Chatwoot's _conversation.json.jbuilder partial (key set inferred beyond src/chatwoot/README.md §5). */
export function apiConversation(
  state: FakeChatwootState,
  conv: FakeConversation,
  accountId: number,
): Record<string, unknown> {
  const contact = state.contacts.get(conv.contactId);
  const inbox = state.inboxes.get(conv.inboxId);
  const chat = state.messagesOf(conv.id).filter((m) => m.message_type !== 2 && !m.private);
  const last = chat[chat.length - 1];
  const assignee = conv.assigneeId === null ? null : userPushData(state, conv.assigneeId);
  return {
    meta: {
      sender: contact ? apiContact(contact, false) : null,
      channel: inbox?.channel_type ?? null,
      assignee,
      hmac_verified: false,
      team: null,
    },
    id: conv.id,
    messages: last ? [apiMessage(state, last)] : [],
    account_id: accountId,
    uuid: conv.uuid,
    additional_attributes: conv.additional_attributes,
    agent_last_seen_at: 0,
    assignee_last_seen_at: 0,
    can_reply: true,
    contact_last_seen_at: 0,
    custom_attributes: conv.custom_attributes,
    inbox_id: conv.inboxId,
    labels: conv.labels,
    muted: false,
    snoozed_until: null,
    status: conv.status,
    created_at: conv.created_at,
    updated_at: conv.last_activity_at + 0.123456,
    timestamp: conv.last_activity_at,
    first_reply_created_at: conv.first_reply_created_at ?? 0,
    unread_count: conv.unread_count,
    last_non_activity_message: last ? apiMessage(state, last) : null,
    last_activity_at: conv.last_activity_at,
    priority: conv.priority,
    waiting_since: conv.waiting_since,
  };
}
