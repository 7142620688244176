/**
 * The Chatwoot side of conversations: read the conversation (and its messages) as it is now, render
 * the Krayin activity it becomes, and compare with what was last written. No Krayin call: the write
 * runs on the connection's rate-limited Krayin queue (activities/krayin/conversations.ts) from what
 * these return. The conversation is re-read every time: webhooks are stale and unordered.
 */
import type { ChatwootApiContact, ChatwootApiMessage } from '../../src/chatwoot/api-schemas';
import {
  conversationActivityHash,
  observedStateOf,
  renderConversationActivity,
  renderMessageActivity,
  toConversationSnapshot,
  toTranscriptMessages,
  type RenderedActivity,
} from '../../src/conversations';
import type { JsonValue } from '../../src/store/types';
import { identityHashes, identityHashSalt } from '../../src/sync/ownership';
import type {
  ActivityBody,
  MessageBatch,
  ObservedConversation,
  ReadConversationResult,
  SyncConversationInput,
} from '../contracts';
import type { ChatwootActivityDeps } from '../deps';
import { classified } from '../failures';

/** Per-message activities written per batch; the workflow reads the next batch while `more`. */
export const MESSAGES_PER_BATCH = 50;

export function chatwootConversationActivities({ store, connections }: ChatwootActivityDeps) {
  return {
    async readConversation(input: SyncConversationInput): Promise<ReadConversationResult> {
      const { connectionId, contactId, conversationId, leadId } = input;
      return classified(async () => {
        const conn = connections.get(connectionId);
        const { chatwoot } = conn;
        const settings = conn.config.sync.conversations;
        const conversation = await chatwoot.getConversation(conversationId);
        if (!conversation) return { kind: 'gone' };
        const snapshot = toConversationSnapshot(conversation);
        if (snapshot.contactId !== contactId) return { kind: 'moved', contactId: snapshot.contactId };

        const link = await store.conversations.get(connectionId, conversationId);
        const previous = readObserved(link?.observedState ?? null);
        const observed = observedStateOf(snapshot) as ObservedConversation;
        const follow = {
          stageRules: conn.config.sync.stageRules.length > 0,
          stageTriggers: [...new Set(conn.config.sync.stageRules.map((r) => r.on))],
          assigneeOwner: conn.config.sync.assigneeOwner,
          messageActivities: settings.messageActivities,
        };
        const assigneeChanged = observed.assigneeId !== (previous?.assigneeId ?? null);
        const assigneeEmail =
          follow.assigneeOwner && assigneeChanged && observed.assigneeId !== null
            ? await conn.agents.emailOf(observed.assigneeId)
            : null;
        const seen = { previous, observed, follow, assigneeEmail };

        // The summary quotes the customer's opening words (the oldest messages); the transcript, written
        // on resolve, the newest ones. Private notes and activity messages are filtered out when rendering.
        const fetchCap = settings.transcript.maxMessages * 2;
        const opening = await chatwoot.listFirstMessages(conversationId);
        const newest = snapshot.status === 'resolved' ? await chatwoot.listAllMessages(conversationId, fetchCap) : [];
        const messages = mergeById(opening, newest);
        const contact = await chatwoot.getContact(contactId);
        const inbox = contact?.contact_inboxes?.find((ci) => ci.inbox.id === snapshot.inboxId)?.inbox;
        const rendered = renderConversationActivity(
          inbox?.channel_type && !snapshot.channel ? { ...snapshot, channel: inbox.channel_type } : snapshot,
          toTranscriptMessages(messages),
          settings,
          {
            chatwootUrl: conn.config.chatwoot.url,
            accountId: conn.config.chatwoot.accountId,
            inboxName: inbox?.name ?? null,
            timeZone: conn.config.krayin.timezone,
            moreOlderMessages: snapshot.status === 'resolved' && messages.length >= fetchCap,
          },
        );
        const hash = conversationActivityHash(rendered);
        const attachToLead = leadId !== null && link?.leadId !== leadId;
        if (link?.activityId && link.lastHash === hash && !attachToLead) {
          return { kind: 'unchanged', activityId: link.activityId, ...seen };
        }
        return {
          kind: 'changed',
          activity: activityBody(rendered),
          hash,
          contactHashes: contactHashesOf(connectionId, contactId, contact),
          ...seen,
        };
      });
    },

    /** The next batch of public messages newer than the last one written, rendered as Krayin activities. */
    async readMessages(input: SyncConversationInput): Promise<MessageBatch> {
      const { connectionId, contactId, conversationId, leadId } = input;
      return classified(async () => {
        const none: MessageBatch = { messages: [], more: false, contactHashes: [] };
        const conn = connections.get(connectionId);
        const { chatwoot } = conn;
        const settings = conn.config.sync.conversations;
        if (!settings.messageActivities) return none;
        const conversation = await chatwoot.getConversation(conversationId);
        if (!conversation) return none;
        const snapshot = toConversationSnapshot(conversation);
        const link = await store.conversations.get(connectionId, conversationId);
        const after = link?.lastMessageId ?? undefined;
        const page: ChatwootApiMessage[] =
          after === undefined
            ? await chatwoot.listAllMessages(conversationId, MESSAGES_PER_BATCH)
            : (await chatwoot.listMessages(conversationId, { after })).messages.filter((m) => m.id > after);
        const batch = page.slice(0, MESSAGES_PER_BATCH);
        if (batch.length === 0) return none;

        const accountId = conn.config.chatwoot.accountId;
        const ctx = { chatwootUrl: conn.config.chatwoot.url, accountId, timeZone: conn.config.krayin.timezone };
        const messages = [];
        for (const message of batch) {
          const rendered = renderMessageActivity(message, snapshot, settings, ctx);
          // Written already (by an attempt that stopped before it advanced lastMessageId): not again.
          const written = rendered !== null && (await store.messages.get(connectionId, message.id)) !== null;
          messages.push({ messageId: message.id, activity: rendered && !written ? activityBody(rendered) : null });
        }
        // Without a lead the messages go to the person, whose check needs the contact's identity.
        const contactHashes =
          leadId === null ? contactHashesOf(connectionId, contactId, await chatwoot.getContact(contactId)) : [];
        return { messages, more: page.length > batch.length || batch.length === MESSAGES_PER_BATCH, contactHashes };
      });
    },
  };
}

/** The ActivityInput fields of a rendered activity, as they go into history (dates as ISO strings). */
export function activityBody(r: RenderedActivity): ActivityBody {
  return {
    type: r.type,
    title: r.title,
    comment: r.comment,
    additional: r.additional as unknown as Record<string, unknown>,
    location: r.location,
    is_done: r.is_done,
    ...(r.schedule_from
      ? { schedule_from: r.schedule_from.toISOString(), schedule_to: (r.schedule_to ?? r.schedule_from).toISOString() }
      : {}),
  };
}

/** Salted hashes of the contact's email and phone (ownership.ts): evidence without the values in history. */
function contactHashesOf(connectionId: string, contactId: number, contact: ChatwootApiContact | null): string[] {
  return identityHashes(
    identityHashSalt(connectionId, contactId),
    contact?.email ? [contact.email] : [],
    contact?.phone_number ? [contact.phone_number] : [],
  );
}

/** Both lists ascending by id, possibly overlapping: one ascending list without duplicates. */
function mergeById(a: ChatwootApiMessage[], b: ChatwootApiMessage[]): ChatwootApiMessage[] {
  const byId = new Map<number, ChatwootApiMessage>();
  for (const m of [...a, ...b]) byId.set(m.id, m);
  return [...byId.values()].sort((x, y) => x.id - y.id);
}

function readObserved(value: JsonValue | null): ObservedConversation | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.status !== 'string' || !Array.isArray(v.labels)) return null;
  return v as unknown as ObservedConversation;
}
