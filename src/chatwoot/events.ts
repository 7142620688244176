/**
 * Which contact a webhook concerns, or why it does not concern the CRM at all. Pure.
 *
 * Contact id sources (src/chatwoot/README.md §2): contact_* -> `id`; conversation_* -> `meta.sender.id`, else
 * `contact_inbox.contact_id`; message_* -> the same on `conversation`. The top-level message `sender`
 * is never used: on agent replies and private notes it is the agent (a user id, not a contact id).
 */
import type { ChangedAttributes } from './webhook-objects';
import type { ConversationWebhookData, WebhookEvent } from './webhook-schemas';

export type IgnoreReason =
  /** contact_updated whose changed columns are all bookkeeping (last_activity_at on every message, ...). */
  | 'noise'
  /** contact_* with no email, phone or identifier: an anonymous widget visitor (src/chatwoot/README.md §1). */
  | 'anonymous'
  /** a conversation or message payload that names no contact */
  | 'no_contact'
  | 'typing'
  | 'inbox_event'
  | 'webwidget_triggered';

export type EventClassification =
  | { kind: 'contact'; contactId: number; conversationId?: number; messageId?: number }
  | { kind: 'ignored'; reason: IgnoreReason };

/** Columns Chatwoot re-saves itself: a change limited to these is noise for us (src/chatwoot/README.md §1). */
export const NOISE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'updated_at',
  'last_activity_at',
  'location',
  'country_code',
  'contact_type',
]);

export function classifyWebhookEvent(event: WebhookEvent): EventClassification {
  switch (event.event) {
    case 'contact_created':
    case 'contact_updated': {
      if (isAnonymous(event)) return ignored('anonymous');
      if (event.event === 'contact_updated' && onlyNoiseChanged(event.changed_attributes)) return ignored('noise');
      return { kind: 'contact', contactId: event.id };
    }
    case 'conversation_created':
    case 'conversation_updated':
    case 'conversation_status_changed':
      return forConversation(event);
    case 'message_created':
    case 'message_updated':
      return forConversation(event.conversation, event.id);
    case 'conversation_typing_on':
    case 'conversation_typing_off':
      return ignored('typing');
    case 'inbox_created':
    case 'inbox_updated':
      return ignored('inbox_event');
    case 'webwidget_triggered':
      return ignored('webwidget_triggered');
  }
}

/**
 * When a contact_updated's save happened in Chatwoot: its `changed_attributes` updated_at after the
 * save (ISO, src/chatwoot/README.md §2), as an ISO string. It is the Chatwoot side's change time for
 * `newest` ownership (docs/two-way-sync.md "Who wins"); the arrival time stands in when it is absent.
 * A time later than the arrival (a skewed Chatwoot clock) is capped at the arrival: a change cannot
 * come from the future. Only a timestamp leaves here, never an attribute's value.
 */
export function contactChangedAt(event: WebhookEvent, receivedAt: string): string | undefined {
  if (event.event !== 'contact_updated' || event.changed_attributes === null) return undefined;
  const entry = event.changed_attributes.find((e) => 'updated_at' in e);
  const current = entry?.updated_at?.current_value;
  if (typeof current !== 'string') return undefined;
  const at = Date.parse(current);
  if (!Number.isFinite(at)) return undefined;
  const received = Date.parse(receivedAt);
  return new Date(Number.isFinite(received) ? Math.min(at, received) : at).toISOString();
}

/** The contact of a conversation payload (meta.sender, else the contact_inbox row). */
export function conversationContactId(conversation: ConversationWebhookData): number | null {
  return conversation.meta.sender?.id ?? conversation.contact_inbox?.contact_id ?? null;
}

function forConversation(conversation: ConversationWebhookData, messageId?: number): EventClassification {
  const contactId = conversationContactId(conversation);
  if (contactId === null) return ignored('no_contact');
  return messageId === undefined
    ? { kind: 'contact', contactId, conversationId: conversation.id }
    : { kind: 'contact', contactId, conversationId: conversation.id, messageId };
}

/**
 * null means "unknown": treat as a real change. An empty list cannot come from Chatwoot (the listener
 * drops blank change sets) and means nothing changed, so it counts as noise.
 */
function onlyNoiseChanged(changes: ChangedAttributes): boolean {
  if (changes === null) return false;
  return changes.every((entry) => Object.keys(entry).every((key) => NOISE_ATTRIBUTES.has(key)));
}

function isBlank(v: string | null): boolean {
  return v === null || v.trim() === '';
}

function isAnonymous(c: { email: string | null; phone_number: string | null; identifier: string | null }): boolean {
  return isBlank(c.email) && isBlank(c.phone_number) && isBlank(c.identifier);
}

function ignored(reason: IgnoreReason): EventClassification {
  return { kind: 'ignored', reason };
}
