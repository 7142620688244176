/**
 * Zod building blocks for the objects embedded in Chatwoot account webhooks (src/chatwoot/README.md §2,
 * Chatwoot v4.15.1). Every object is loose: Chatwoot adds keys between releases (e.g. `performed_by`
 * is on a PR branch) and an unknown key must never cost us an event, because deliveries are not retried.
 *
 * Precision goes where the sync depends on it: ids are positive integers, the time encodings differ
 * per field (epoch int, epoch float, ISO string) and are checked as such, email/phone/identifier accept
 * both null and "" (Chatwoot stores a blank phone as ""), and `message_type` is an int here (nested
 * messages) but a string at the top of message webhooks (see webhook-schemas.ts).
 * Keys that only exist from some release on are optional (version noted).
 */
import { z } from 'zod';

export const id = z.int().positive();
/** Epoch seconds as an integer; 0 stands for null on waiting_since and the last-seen columns. */
export const epochSeconds = z.int().nonnegative();
/** Conversation `updated_at`: float epoch seconds with microseconds. */
export const epochSecondsFloat = z.number().nonnegative();
/** ActiveSupport `to_json` output: UTC with milliseconds and `Z`; offsets accepted in case of a non-UTC app zone. */
export const isoTime = z.iso.datetime({ offset: true });
/** jsonb columns: always objects (`{}` at minimum). */
export const jsonObject = z.record(z.string(), z.unknown());
/** email / phone_number / identifier: null or "" both mean "none" (src/chatwoot/README.md §2). */
export const blankableString = z.string().nullable();

export const accountRef = z.looseObject({ id, name: z.string() });
export const inboxRef = z.looseObject({ id, name: z.string() });

/** `changed_attributes` entry: exactly one attribute name -> {previous_value, current_value}. */
const attributeChange = z.looseObject({ previous_value: z.unknown(), current_value: z.unknown() });
export const changedAttributes = z
  .array(
    z
      .record(z.string(), attributeChange)
      .refine((entry) => Object.keys(entry).length === 1, { error: 'must have exactly one attribute key' }),
  )
  .nullable();
export type ChangedAttributes = z.infer<typeof changedAttributes>;

/** Contact `webhook_data`: contact_* bodies, contact message senders, typing `user`, webwidget `contact`. */
export const contactWebhookData = z.looseObject({
  account: accountRef,
  additional_attributes: jsonObject,
  avatar: z.string(),
  custom_attributes: jsonObject,
  email: blankableString,
  id,
  identifier: blankableString,
  name: z.string().nullable(),
  phone_number: blankableString,
  thumbnail: z.string(),
  /** since v4.0.2 */
  blocked: z.boolean().optional(),
});

/** Contact `push_event_data`: conversation `meta.sender` and `messages[].sender` (has `type`, no account/avatar). */
export const contactPushData = z.looseObject({
  additional_attributes: jsonObject,
  custom_attributes: jsonObject,
  email: blankableString,
  id,
  identifier: blankableString,
  name: z.string().nullable(),
  phone_number: blankableString,
  thumbnail: z.string(),
  blocked: z.boolean().optional(),
  type: z.literal('contact'),
});

/** User / AgentBot / Captain payloads: only id and type matter to us. */
const typedActor = <T extends string>(type: T) =>
  z.looseObject({ id, name: z.string().nullable(), type: z.literal(type) });
export const userActor = typedActor('user');
export const agentBotActor = typedActor('agent_bot');
export const captainActor = typedActor('captain_assistant');

/** Who sent a nested message or is assigned: a typed push_event_data. */
export const pushActor = z.union([contactPushData, userActor, agentBotActor, captainActor]);

export const attachment = z.looseObject({ id, message_id: id, file_type: z.string(), account_id: id });

export const conversationStatus = z.enum(['open', 'resolved', 'pending', 'snoozed']);

/** Message `push_event_data`, the 0..1 items of `conversation.messages`. */
export const nestedMessage = z.looseObject({
  id,
  content: z.string().nullable(),
  account_id: id,
  inbox_id: id,
  /** display_id */
  conversation_id: id,
  /** 0 incoming, 1 outgoing, 2 activity, 3 template */
  message_type: z.literal([0, 1, 2, 3]),
  created_at: epochSeconds,
  updated_at: isoTime,
  private: z.boolean(),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  source_id: z.string().nullable(),
  content_type: z.string(),
  content_attributes: jsonObject.nullable(),
  sender_type: z.string().nullable(),
  sender_id: id.nullable(),
  attachments: z.array(attachment).optional(),
  /** omitted entirely when the message has no sender */
  sender: pushActor.optional(),
});

export const contactInbox = z.looseObject({
  id,
  contact_id: id,
  inbox_id: id,
  source_id: z.string().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  hmac_verified: z.boolean().nullable(),
  pubsub_token: z.string().nullable(),
});

export const conversationMeta = z.looseObject({
  /** The conversation's contact. Nullish so that a payload without it can still fall back to contact_inbox. */
  sender: contactPushData.nullish(),
  assignee: z.union([userActor, agentBotActor, captainActor]).nullable(),
  /** since v4.8 */
  assignee_type: z.string().nullable().optional(),
  team: z.looseObject({ id, name: z.string() }).nullable(),
  hmac_verified: z.boolean().nullable(),
});

/** Conversation `webhook_data` (Conversations::EventDataPresenter). `id` is the display_id. */
export const conversationWebhookData = z.looseObject({
  additional_attributes: jsonObject,
  can_reply: z.boolean(),
  channel: z.string().regex(/^Channel::\w+$/, { error: 'must be a Channel::<Type> name' }),
  contact_inbox: contactInbox.nullish(),
  id,
  inbox_id: id,
  messages: z.array(nestedMessage),
  labels: z.array(z.string()),
  meta: conversationMeta,
  status: conversationStatus,
  custom_attributes: jsonObject,
  snoozed_until: isoTime.nullable(),
  unread_count: z.int().nonnegative(),
  first_reply_created_at: isoTime.nullable(),
  priority: z.enum(['low', 'medium', 'high', 'urgent']).nullable(),
  waiting_since: epochSeconds,
  agent_last_seen_at: epochSeconds,
  contact_last_seen_at: epochSeconds,
  last_activity_at: epochSeconds,
  timestamp: epochSeconds,
  created_at: epochSeconds,
  updated_at: epochSecondsFloat,
  /** since v4.14.2 */
  account: accountRef.optional(),
});

/** Message `webhook_data` sender: contact webhook_data (no `type`), a typed actor, or null. */
export const messageSender = z.union([userActor, agentBotActor, captainActor, contactWebhookData]).nullable();

/** Inbox::EventDataPresenter: no inbox id/name at the top; the channel row includes secrets. */
export const inboxWebhookData = z.looseObject({
  working_hours: z.array(z.looseObject({ inbox_id: id, day_of_week: z.int().min(0).max(6) })),
  created_at: isoTime,
  updated_at: isoTime,
  channel: jsonObject,
  account: accountRef,
});
