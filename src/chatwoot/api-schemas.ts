/**
 * Zod schemas for the Chatwoot REST responses the sync reads (src/chatwoot/README.md §5). The REST shapes are
 * not the webhook shapes: contact `created_at`/`last_activity_at` are epoch ints (no `updated_at`),
 * conversation `first_reply_created_at` is an epoch int (0 when null), `meta.sender` is the API
 * contact, and messages carry `message_type` as an int. Loose objects: unknown keys are kept.
 */
import { z } from 'zod';
import { blankableString, epochSeconds, epochSecondsFloat, id, jsonObject, pushActor } from './webhook-objects';

export const apiContactInbox = z.looseObject({
  source_id: z.string().nullable(),
  inbox: z.looseObject({ id, name: z.string(), channel_type: z.string() }),
});

/** app/views/api/v1/models/_contact.json.jbuilder */
export const apiContact = z.looseObject({
  id,
  name: z.string().nullable(),
  email: blankableString,
  phone_number: blankableString,
  identifier: blankableString,
  blocked: z.boolean().optional(),
  thumbnail: z.string().nullable().optional(),
  availability_status: z.string().optional(),
  additional_attributes: jsonObject,
  custom_attributes: jsonObject,
  /** omitted when the contact never had activity */
  last_activity_at: epochSeconds.nullable().optional(),
  created_at: epochSeconds,
  /** absent with include_contact_inboxes=false */
  contact_inboxes: z.array(apiContactInbox).optional(),
});
export type ChatwootApiContact = z.infer<typeof apiContact>;

export const contactShowResponse = z.looseObject({ payload: apiContact });

/** POST /contacts: `{payload: {contact, contact_inbox}}` (contact_inbox null without an inbox_id). */
export const contactCreateResponse = z.looseObject({ payload: z.looseObject({ contact: apiContact }) });

export const contactListResponse = z.looseObject({
  meta: z.looseObject({
    count: z.int().nonnegative(),
    // Chatwoot echoes params[:page] (a string) when given, else the integer 1 (as read; inferred).
    current_page: z.union([z.int(), z.string().regex(/^\d+$/)]),
  }),
  payload: z.array(apiContact),
});

/** app/views/api/v1/conversations/partials/_message.json.jbuilder */
export const apiMessage = z.looseObject({
  id,
  content: z.string().nullable(),
  inbox_id: id,
  /** display_id */
  conversation_id: id,
  /** 0 incoming, 1 outgoing, 2 activity, 3 template */
  message_type: z.literal([0, 1, 2, 3]),
  content_type: z.string(),
  status: z.string(),
  content_attributes: jsonObject.nullable(),
  created_at: epochSeconds,
  private: z.boolean(),
  source_id: z.string().nullable(),
  sender: pushActor.optional(),
  attachments: z.array(z.looseObject({ id, file_type: z.string() })).optional(),
});
export type ChatwootApiMessage = z.infer<typeof apiMessage>;

export const messageListResponse = z.looseObject({
  meta: jsonObject,
  payload: z.array(apiMessage),
});

/** app/views/api/v1/conversations/partials/_conversation.json.jbuilder; `id` is the display_id. */
export const apiConversation = z.looseObject({
  id,
  account_id: id,
  inbox_id: id,
  status: z.enum(['open', 'resolved', 'pending', 'snoozed']),
  labels: z.array(z.string()),
  custom_attributes: jsonObject,
  additional_attributes: jsonObject,
  meta: z.looseObject({
    sender: apiContact,
    channel: z.string().optional(),
    assignee: z.looseObject({ id }).nullable().optional(),
    team: z.looseObject({ id, name: z.string() }).nullable().optional(),
  }),
  created_at: epochSeconds,
  timestamp: epochSeconds,
  /** epoch int, 0 when null (unlike the webhook's ISO string) */
  first_reply_created_at: epochSeconds.nullable(),
  updated_at: epochSecondsFloat,
});
export type ChatwootApiConversation = z.infer<typeof apiConversation>;

/**
 * GET /conversations (conversation_finder.rb): `{data: {meta, payload}}`, 25 a page. Only what the
 * reconciliation reads is checked: the display id, the contact and the last activity (`timestamp`).
 */
export const conversationListResponse = z.looseObject({
  data: z.looseObject({
    payload: z.array(
      z.looseObject({ id, meta: z.looseObject({ sender: z.looseObject({ id }) }), timestamp: epochSeconds }),
    ),
  }),
});

/** GET /agents (app/views/api/v1/accounts/agents/index.json.jbuilder): a bare array of the account's agents. */
export const apiAgent = z.looseObject({
  id,
  name: z.string(),
  email: z.string(),
  role: z.string().optional(),
});
export type ChatwootApiAgent = z.infer<typeof apiAgent>;
export const agentListResponse = z.array(apiAgent);

/**
 * A custom attribute definition (app/views/api/v1/models/_custom_attribute_definition.json.jbuilder);
 * GET /custom_attribute_definitions answers a bare array of them, POST the created one unwrapped.
 */
export const attributeDefinition = z.looseObject({
  id,
  attribute_key: z.string(),
  attribute_display_name: z.string(),
  attribute_display_type: z.string(),
  attribute_model: z.string(),
});
export type ChatwootAttributeDefinition = z.infer<typeof attributeDefinition>;
export const attributeDefinitionList = z.array(attributeDefinition);

/** GET/POST /contacts/{id}/labels (LabelConcern): `{payload: [label]}`. */
export const contactLabelsResponse = z.looseObject({ payload: z.array(z.string()) });

/** GET /contacts/{id}/conversations: `{payload: [conversation]}`, at most 20, most recent activity first. */
export const contactConversation = z.looseObject({
  id,
  status: z.enum(['open', 'resolved', 'pending', 'snoozed']),
  timestamp: epochSeconds,
});
export type ChatwootContactConversation = z.infer<typeof contactConversation>;
export const contactConversationsResponse = z.looseObject({ payload: z.array(contactConversation) });

/** POST /conversations/{display_id}/messages answers the created message; only its id is read. */
export const createdMessage = z.looseObject({ id });
