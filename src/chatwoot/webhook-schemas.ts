/**
 * Every Chatwoot account webhook body (src/chatwoot/README.md §1-§2), as one discriminated union on `event`.
 * There is no envelope: each body is the builder's hash plus `event` (and `changed_attributes`).
 */
import { z } from 'zod';
import {
  accountRef,
  attachment,
  changedAttributes,
  contactWebhookData,
  conversationWebhookData,
  id,
  inboxRef,
  inboxWebhookData,
  isoTime,
  jsonObject,
  messageSender,
  userActor,
} from './webhook-objects';

export const WEBHOOK_EVENTS = [
  'contact_created',
  'contact_updated',
  'conversation_created',
  'conversation_updated',
  'conversation_status_changed',
  'message_created',
  'message_updated',
  'webwidget_triggered',
  'conversation_typing_on',
  'conversation_typing_off',
  'inbox_created',
  'inbox_updated',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export function isKnownWebhookEvent(name: unknown): name is WebhookEventName {
  return typeof name === 'string' && (WEBHOOK_EVENTS as readonly string[]).includes(name);
}

const contactCreated = contactWebhookData.extend({ event: z.literal('contact_created') });
/** changed_attributes: every column of the save (updated_at, last_activity_at noise included). */
const contactUpdated = contactWebhookData.extend({
  event: z.literal('contact_updated'),
  changed_attributes: changedAttributes,
});

const conversationCreated = conversationWebhookData.extend({ event: z.literal('conversation_created') });
const conversationUpdated = conversationWebhookData.extend({
  event: z.literal('conversation_updated'),
  changed_attributes: changedAttributes,
});
/** changed_attributes is null in v4.15.1 (dirty tracking already reset); accepted either way. */
const conversationStatusChanged = conversationWebhookData.extend({
  event: z.literal('conversation_status_changed'),
  changed_attributes: changedAttributes,
});

/** Message `webhook_data`: `message_type` is a string and `created_at` ISO here, unlike conversation.messages[]. */
const messageWebhookData = z.looseObject({
  account: accountRef,
  additional_attributes: jsonObject.nullable(),
  content_attributes: jsonObject.nullable(),
  content_type: z.string(),
  content: z.string().nullable(),
  conversation: conversationWebhookData,
  created_at: isoTime,
  id,
  inbox: inboxRef,
  message_type: z.enum(['incoming', 'outgoing', 'template']),
  private: z.boolean(),
  sender: messageSender,
  source_id: z.string().nullable(),
  attachments: z.array(attachment).optional(),
});
const messageCreated = messageWebhookData.extend({ event: z.literal('message_created') });
/** Says nothing about what changed (no changed_attributes, no top-level status). */
const messageUpdated = messageWebhookData.extend({ event: z.literal('message_updated') });

const webwidgetTriggered = z.looseObject({
  event: z.literal('webwidget_triggered'),
  /** the contact_inbox id */
  id,
  contact: contactWebhookData,
  inbox: inboxRef,
  account: accountRef,
  current_conversation: conversationWebhookData.nullable(),
  source_id: z.string().nullable(),
  event_info: jsonObject,
});

/** `user` is a User webhook_data (agent typing) or a Contact webhook_data (widget visitor typing). */
const typingBody = {
  user: z.union([userActor, contactWebhookData]),
  conversation: conversationWebhookData,
  is_private: z.boolean(),
};
const typingOn = z.looseObject({ event: z.literal('conversation_typing_on'), ...typingBody });
const typingOff = z.looseObject({ event: z.literal('conversation_typing_off'), ...typingBody });

const inboxCreated = inboxWebhookData.extend({ event: z.literal('inbox_created') });
const inboxUpdated = inboxWebhookData.extend({
  event: z.literal('inbox_updated'),
  changed_attributes: changedAttributes.optional(),
});

export const webhookEventSchema = z.discriminatedUnion('event', [
  contactCreated,
  contactUpdated,
  conversationCreated,
  conversationUpdated,
  conversationStatusChanged,
  messageCreated,
  messageUpdated,
  webwidgetTriggered,
  typingOn,
  typingOff,
  inboxCreated,
  inboxUpdated,
]);

export type WebhookEvent = z.infer<typeof webhookEventSchema>;
export type ContactWebhookEvent = Extract<WebhookEvent, { event: 'contact_created' | 'contact_updated' }>;
export type ConversationWebhookEvent = Extract<
  WebhookEvent,
  { event: 'conversation_created' | 'conversation_updated' | 'conversation_status_changed' }
>;
export type MessageWebhookEvent = Extract<WebhookEvent, { event: 'message_created' | 'message_updated' }>;
export type ConversationWebhookData = z.infer<typeof conversationWebhookData>;

/** A schema problem, PII-free: a path and zod's message, never the offending value. */
export interface WebhookIssue {
  path: string;
  code: string;
  message: string;
}

export type WebhookParseResult = { ok: true; event: WebhookEvent } | { ok: false; issues: WebhookIssue[] };

export function parseWebhookEvent(body: unknown): WebhookParseResult {
  const result = webhookEventSchema.safeParse(body);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, issues: flattenIssues(result.error.issues, []) };
}

const MAX_ISSUES = 20;

/**
 * Union failures nest one issue list per variant; report the variant that came closest (fewest
 * issues) with full paths, which is what a human needs to see. zod's messages name the expected
 * type or options, never the received value, so they are safe to return and log.
 */
function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): WebhookIssue[] {
  const out: WebhookIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => variantScore(a) - variantScore(b))[0] ?? [];
      out.push(...flattenIssues(closest, path));
    } else {
      out.push({ path: formatPath(path), code: issue.code, message: issue.message });
    }
  }
  return out.slice(0, MAX_ISSUES);
}

/** Fewer issues is closer; a variant rejected on its `type` literal is the wrong variant, not a near miss. */
function variantScore(issues: readonly z.core.$ZodIssue[]): number {
  const wrongType = issues.some((i) => i.code === 'invalid_value' && i.path.length === 1 && i.path[0] === 'type');
  return issues.length + (wrongType ? 0.5 : 0);
}

function formatPath(path: PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}
