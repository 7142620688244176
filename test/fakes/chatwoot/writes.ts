/**
 * The fake Chatwoot's write endpoints, the real API's paths and rules (src/chatwoot/README.md §5), so a
 * demo or a test changes its state the way an agent or a customer would, and each change is what the
 * sync reads back (a resolved conversation is resolved) and what the webhooks announce (src/chatwoot/README.md §1):
 *
 *   POST  /contacts                          {name?, email?, phone_number?, identifier?, additional_attributes?, custom_attributes?}
 *   PUT   /contacts/:id  (PATCH too)         scalars replaced, attribute hashes shallow-merged   -> contact_updated
 *   POST  /conversations                     {contact_id, inbox_id, status?, assignee_id?}       -> conversation_created
 *   POST  /conversations/:id/messages        {content, message_type?: outgoing|incoming, private?} -> message_created
 *         (incoming only in an API inbox; an agent's first public reply sets first_reply_created_at -> conversation_updated)
 *   POST  /conversations/:id/toggle_status   {status?: open|resolved|pending}  -> conversation_status_changed + conversation_updated
 *
 *   POST  /actions/contact_merge              {base_contact_id, mergee_contact_id}: conversations move to the
 *         base, the mergee is gone (404), the base keeps its values and takes the mergee's where it has none
 *         -> contact_updated for the base when it changed (the per-message message_updated is not sent)
 *
 * Requests are made as the default agent (the token's user). Deleting is not modelled as a route.
 */
import express, { type Request, type Response } from 'express';
import { apiContact, apiConversation, apiMessage } from './render';
import { DEFAULT_AGENT, type ConversationStatus, type FakeChatwootState, type FakeContact } from './state';
import type { AttributeChanges, WebhookSender } from './webhooks';

const NOT_FOUND = { error: 'Resource could not be found' };
const E164 = /^\+[1-9]\d{1,14}$/;
const CONTACT_SCALARS = ['name', 'email', 'phone_number', 'identifier', 'blocked'] as const;
const STATUSES: ConversationStatus[] = ['open', 'resolved', 'pending'];

const nowSec = () => Math.floor(Date.now() / 1000);

export function writeRoutes(state: FakeChatwootState, webhooks: WebhookSender, accountId: number): express.Router {
  const router = express.Router({ mergeParams: true });
  router.use(express.json());

  router.post('/contacts', async (req, res) => {
    const input = contactFields(req.body);
    const problem = contactProblem(state, input, null);
    if (problem) return res.status(422).json({ message: problem, attributes: [problem.split(' ')[0]] });
    const id = Math.max(0, ...state.contacts.keys()) + 1;
    const contact = state.upsertContact({ ...input, id });
    await webhooks.contactCreated(contact);
    res.json({ payload: { contact: apiContact(contact), contact_inbox: null } });
  });

  const updateContact = async (req: Request, res: Response) => {
    const existing = state.contacts.get(numericParam(req.params.id));
    if (!existing) return res.status(404).json(NOT_FOUND);
    const input = contactFields(req.body);
    const problem = contactProblem(state, input, existing.id);
    if (problem) return res.status(422).json({ message: problem, attributes: [problem.split(' ')[0]] });
    const before = structuredClone(existing);
    // Attribute hashes are shallow-merged (Hash#merge), scalars replaced.
    const next = {
      ...input,
      additional_attributes: { ...before.additional_attributes, ...input.additional_attributes },
      custom_attributes: { ...before.custom_attributes, ...input.custom_attributes },
    };
    const candidate = { ...before, ...next, email: normaliseEmail(next.email ?? before.email) };
    const changes = contactChanges(before, candidate);
    if (Object.keys(changes).length === 0) return res.json({ payload: apiContact(existing) });
    const now = nowSec();
    const contact = state.upsertContact({ ...next, id: existing.id, updated_at: now });
    changes.updated_at = { previous_value: new Date(before.updated_at * 1000), current_value: new Date(now * 1000) };
    await webhooks.contactUpdated(contact, changes);
    res.json({ payload: apiContact(contact) });
  };
  router.put('/contacts/:id', updateContact);
  router.patch('/contacts/:id', updateContact);

  router.post('/actions/contact_merge', async (req, res) => {
    const body = asRecord(req.body);
    const baseId = Number(body.base_contact_id);
    const mergeeId = Number(body.mergee_contact_id);
    if (!state.contacts.has(baseId) || !state.contacts.has(mergeeId)) return res.status(404).json(NOT_FOUND);
    if (baseId === mergeeId) return res.status(422).json({ message: 'contacts must differ' });
    const { before, after } = state.mergeContacts(baseId, mergeeId);
    const changes = contactChanges(before, after);
    if (Object.keys(changes).length > 0) await webhooks.contactUpdated(after, changes);
    // Unwrapped, unlike the other contact answers.
    res.json(apiContact(after));
  });

  router.post('/conversations', async (req, res) => {
    const body = asRecord(req.body);
    const contactId = Number(body.contact_id);
    const inboxId = Number(body.inbox_id);
    if (!state.contacts.has(contactId)) return res.status(404).json(NOT_FOUND);
    if (!state.inboxes.has(inboxId)) return res.status(404).json(NOT_FOUND);
    const status = body.status === undefined ? 'open' : body.status;
    if (!STATUSES.includes(status as ConversationStatus)) return res.status(422).json({ message: 'Status is invalid' });
    const assigneeId = body.assignee_id === undefined ? null : Number(body.assignee_id);
    if (assigneeId !== null && !state.users.has(assigneeId)) return res.status(404).json(NOT_FOUND);
    const id = Math.max(0, ...state.conversations.keys()) + 1;
    const conversation = state.upsertConversation({
      id,
      contactId,
      inboxId,
      status: status as ConversationStatus,
      assigneeId,
      created_at: nowSec(),
    });
    await webhooks.conversationCreated(conversation);
    res.json(apiConversation(state, conversation, accountId));
  });

  router.post('/conversations/:displayId/messages', async (req, res) => {
    const conversation = state.conversations.get(numericParam(req.params.displayId));
    if (!conversation) return res.status(404).json(NOT_FOUND);
    const body = asRecord(req.body);
    const type = body.message_type ?? 'outgoing';
    if (type !== 'outgoing' && type !== 'incoming') return res.status(422).json({ message: 'Message type is invalid' });
    const isPrivate = body.private === true;
    const apiInbox = state.inboxes.get(conversation.inboxId)?.channel_type === 'Channel::Api';
    if (type === 'incoming' && !apiInbox) {
      // message_builder.rb: customers write through their channel; the API only posts them in API inboxes.
      return res.status(422).json({ message: 'Incoming messages are only allowed in Api inboxes' });
    }
    if (typeof body.content !== 'string' || body.content.trim() === '') {
      return res.status(422).json({ message: "Content can't be blank" });
    }
    const created = Math.max(nowSec(), conversation.created_at);
    const message = state.addMessage(conversation.id, {
      content: body.content,
      message_type: type,
      private: isPrivate,
      created_at: created,
      sender:
        type === 'incoming' ? { type: 'contact', id: conversation.contactId } : { type: 'user', id: DEFAULT_AGENT.id },
    });
    await webhooks.messageCreated(message);

    // message.rb: an agent's first public reply sets first_reply_created_at and clears waiting_since;
    // a customer message while nobody is waiting starts the wait.
    const changes: AttributeChanges = {};
    if (type === 'outgoing' && !isPrivate && conversation.first_reply_created_at === null) {
      changes.first_reply_created_at = { previous_value: null, current_value: new Date(created * 1000) };
      conversation.first_reply_created_at = created;
      if (conversation.waiting_since !== 0) {
        changes.waiting_since = { previous_value: new Date(conversation.waiting_since * 1000), current_value: null };
        conversation.waiting_since = 0;
      }
    } else if (type === 'incoming' && conversation.waiting_since === 0) {
      changes.waiting_since = { previous_value: null, current_value: new Date(created * 1000) };
      conversation.waiting_since = created;
    }
    if (Object.keys(changes).length > 0) await webhooks.conversationUpdated(conversation, changes);
    res.json(apiMessage(state, message));
  });

  router.post('/conversations/:displayId/toggle_status', async (req, res) => {
    const conversation = state.conversations.get(numericParam(req.params.displayId));
    if (!conversation) return res.status(404).json(NOT_FOUND);
    const body = asRecord(req.body);
    // Without a status Chatwoot toggles between open and resolved.
    const wanted = body.status ?? (conversation.status === 'open' ? 'resolved' : 'open');
    if (!STATUSES.includes(wanted as ConversationStatus)) return res.status(422).json({ message: 'Status is invalid' });
    const previous = conversation.status;
    if (wanted !== previous) {
      conversation.status = wanted as ConversationStatus;
      if (wanted === 'resolved') {
        // The activity message Chatwoot adds (never sent as a webhook, not in the transcript).
        state.addMessage(conversation.id, {
          message_type: 'activity',
          content: `Conversation was marked resolved by ${DEFAULT_AGENT.available_name}`,
        });
      }
      await webhooks.conversationStatusChanged(conversation);
      await webhooks.conversationUpdated(conversation, { status: { previous_value: previous, current_value: wanted } });
    }
    res.json({
      meta: {},
      payload: { success: true, current_status: conversation.status, conversation_id: conversation.id },
    });
  });

  return router;
}

type ContactFields = Partial<Pick<FakeContact, (typeof CONTACT_SCALARS)[number]>> & {
  additional_attributes?: Record<string, unknown>;
  custom_attributes?: Record<string, unknown>;
};

function contactFields(raw: unknown): ContactFields {
  const body = asRecord(raw);
  const out: Record<string, unknown> = {};
  for (const key of CONTACT_SCALARS) if (body[key] !== undefined) out[key] = body[key];
  for (const key of ['additional_attributes', 'custom_attributes'] as const) {
    if (body[key] !== undefined) out[key] = asRecord(body[key]);
  }
  return out as ContactFields;
}

/** Chatwoot's 422s: phone E.164, email/phone/identifier unique per account. */
function contactProblem(state: FakeChatwootState, c: ContactFields, selfId: number | null): string | null {
  if (c.phone_number && !E164.test(c.phone_number)) return 'phone_number Phone number should be in e164 format';
  const email = normaliseEmail(c.email);
  for (const other of state.contacts.values()) {
    if (other.id === selfId) continue;
    if (email && other.email === email) return 'email Email has already been taken';
    if (c.phone_number && other.phone_number === c.phone_number)
      return 'phone_number Phone number has already been taken';
    if (c.identifier && other.identifier === c.identifier) return 'identifier Identifier has already been taken';
  }
  return null;
}

function normaliseEmail(email: string | null | undefined): string | null {
  return email === undefined || email === null || email.trim() === '' ? null : email.trim().toLowerCase();
}

const CHANGE_KEYS = [...CONTACT_SCALARS, 'additional_attributes', 'custom_attributes'] as const;

function contactChanges(before: FakeContact, after: FakeContact): AttributeChanges {
  const changes: AttributeChanges = {};
  for (const key of CHANGE_KEYS) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) {
      changes[key] = { previous_value: before[key] ?? null, current_value: after[key] ?? null };
    }
  }
  return changes;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function numericParam(raw: unknown): number {
  return typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : -1;
}
