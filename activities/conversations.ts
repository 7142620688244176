/**
 * Conversations as Krayin activities, and the Krayin side of stage progression.
 *
 * One activity per conversation on the lead (else the person), found again by the marker we put in
 * its `additional` JSON, so a retry after a crash or an ambiguous answer updates it instead of
 * writing a second one. The conversation is re-read from Chatwoot every time: webhooks are stale and
 * unordered. Rendering is pure (src/conversations); the decisions about stages live in the workflow.
 */
import { Context } from '@temporalio/activity';
import type { ChatwootApiMessage } from '../src/chatwoot/api-schemas';
import {
  conversationActivityHash,
  isConversationMarker,
  isMessageMarker,
  observedStateOf,
  renderConversationActivity,
  renderMessageActivity,
  toConversationSnapshot,
  toTranscriptMessages,
  type RenderedActivity,
} from '../src/conversations';
import type { ActivityInput, KrayinActivity, KrayinApi } from '../src/krayin/api';
import { KrayinAmbiguousError, KrayinNotFoundError } from '../src/krayin/errors';
import { mapAssigneeToOwner } from '../src/rules/owner';
import type { JsonValue } from '../src/store/types';
import { activityIsOurs } from '../src/sync/ownership';
import type {
  AssignLeadOwnerInput,
  ContactRef,
  LeadStageContext,
  MoveLeadStageInput,
  ObservedConversation,
  RecordConversationInput,
  SyncConversationInput,
  SyncConversationResult,
} from './contracts';
import { conversationTargetUsable, leadWritable } from './conversation-targets';
import type { ActivityDeps } from './deps';
import { classified } from './failures';
import { reportLinkMismatch } from './link-mismatch';

/** Per-message activities written per activity execution; the workflow calls again while `more`. */
const MESSAGES_PER_RUN = 50;

export function conversationActivities(deps: ActivityDeps) {
  const { store, connections } = deps;
  return {
    async syncConversation(input: SyncConversationInput): Promise<SyncConversationResult> {
      const { connectionId, contactId, conversationId, leadId, personId } = input;
      return classified(async () => {
        const conn = connections.get(connectionId);
        const { chatwoot, krayin } = conn;
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
          assigneeOwner: conn.config.sync.assigneeOwner,
          messageActivities: settings.messageActivities,
        };

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
          return { kind: 'synced', activityId: link.activityId, previous, observed, written: false, follow };
        }

        const target = leadId !== null ? { lead_id: leadId } : { person_id: personId };
        const marker = (a: KrayinActivity) =>
          isConversationMarker(a.additional, conversationId, conn.config.chatwoot.accountId);
        // Linking an activity to a lead deleted in Krayin inserts the activity and then fails
        // (krayin-api.md §3.4): every retry would leave another one. And a lead or person whose id now
        // names someone else's record (Krayin restored) must not get our conversation. Check first.
        const targetGone = async () =>
          !(await conversationTargetUsable(deps, conn, { connectionId, contactId, conversationId }, input, contact));
        let activityId = link?.activityId ?? null;
        if (activityId !== null) {
          if (attachToLead && (await targetGone())) return { kind: 'lead_gone' };
          // Only our own activity is updated in place: the stored id may name someone else's now.
          const linked = await krayin.getActivity(activityId);
          if (linked && !activityIsOurs(linked, conversationId, conn.config.chatwoot.accountId)) {
            await reportLinkMismatch(deps, connectionId, contactId, 'activity', { activityId, conversationId });
            await store.conversations.upsert(connectionId, conversationId, { contactId, activityId: null });
            activityId = null;
          } else if (!linked) activityId = null;
          else
            activityId = await updateOrForget(krayin, activityId, {
              ...body(rendered),
              ...(attachToLead ? target : {}),
            });
        }
        if (activityId === null) {
          if (await targetGone()) return { kind: 'lead_gone' };
          const found = await findOnTimeline(krayin, leadId, personId, marker);
          if (found) {
            // Found on the person's timeline only: attach it to the lead as well (Krayin adds links, never removes).
            const attach = leadId !== null && !found.onLead ? target : {};
            activityId = await updateOrForget(krayin, found.activity.id, { ...body(rendered), ...attach });
          } else {
            activityId = await createOnce(
              krayin,
              { ...body(rendered), ...target },
              async () => (await findOnTimeline(krayin, leadId, personId, marker))?.activity ?? null,
            );
          }
          if (activityId === null) throw new KrayinAmbiguousError('PUT /activities/{id}', 200, 'activity vanished');
        }

        await store.conversations.upsert(connectionId, conversationId, {
          contactId,
          activityId,
          leadId,
          personId,
          lastHash: hash,
        });
        await store.audit.append({
          connectionId,
          contactId,
          action: link?.activityId === activityId ? 'conversation.updated' : 'conversation.written',
          detail: { conversationId, activityId, leadId },
        });
        return { kind: 'synced', activityId, previous, observed, written: true, follow };
      });
    },

    /** Optional per-message activities: public messages newer than the last one written. */
    async syncMessageActivities(input: SyncConversationInput): Promise<{ written: number; more: boolean }> {
      const { connectionId, contactId, conversationId, leadId, personId } = input;
      return classified(async () => {
        const conn = connections.get(connectionId);
        const { chatwoot, krayin } = conn;
        const settings = conn.config.sync.conversations;
        if (!settings.messageActivities) return { written: 0, more: false };
        const conversation = await chatwoot.getConversation(conversationId);
        if (!conversation) return { written: 0, more: false };
        const snapshot = toConversationSnapshot(conversation);
        const link = await store.conversations.get(connectionId, conversationId);
        const after = link?.lastMessageId ?? undefined;
        const page: ChatwootApiMessage[] =
          after === undefined
            ? await chatwoot.listAllMessages(conversationId, MESSAGES_PER_RUN)
            : (await chatwoot.listMessages(conversationId, { after })).messages.filter((m) => m.id > after);
        const batch = page.slice(0, MESSAGES_PER_RUN);
        if (batch.length === 0) return { written: 0, more: false };

        const accountId = conn.config.chatwoot.accountId;
        const ctx = { chatwootUrl: conn.config.chatwoot.url, accountId, timeZone: conn.config.krayin.timezone };
        // The lead (else person) the messages go to must still be the contact's (see syncConversation).
        const contact = leadId === null ? await chatwoot.getContact(contactId) : null;
        if (
          !(await conversationTargetUsable(deps, conn, { connectionId, contactId, conversationId }, input, contact))
        ) {
          return { written: 0, more: false };
        }
        // One timeline read per run finds what an interrupted earlier attempt already wrote.
        const timeline = await timelineOf(krayin, leadId, personId);
        let written = 0;
        for (const message of batch) {
          const rendered = renderMessageActivity(message, snapshot, settings, ctx);
          if (rendered && !(await store.messages.get(connectionId, message.id))) {
            const existing = timeline.find((a) => isMessageMarker(a.additional, conversationId, message.id, accountId));
            const target = leadId !== null ? { lead_id: leadId } : { person_id: personId };
            const activity = existing ?? (await krayin.createActivity({ ...body(rendered), ...target }));
            await store.messages.upsert(connectionId, message.id, { conversationId, activityId: activity.id });
            if (!existing) written++;
          }
          await store.conversations.upsert(connectionId, conversationId, { contactId, lastMessageId: message.id });
          Context.current().heartbeat(message.id);
        }
        return { written, more: page.length > batch.length || batch.length === MESSAGES_PER_RUN };
      });
    },

    async leadStageContext({ connectionId, leadId }: ContactRef & { leadId: number }): Promise<LeadStageContext> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const lead = await conn.krayin.getLead(leadId);
        return {
          currentStageId: lead?.lead_pipeline_stage_id ?? null,
          pipelines: await conn.lookups.pipelinesIncluding(lead?.lead_pipeline_stage_id ?? null),
          rules: conn.config.sync.stageRules,
        };
      });
    },

    /** Stage-only move (PUT /leads/stage/edit/{id} wipes no other lead field). */
    async moveLeadStage(input: MoveLeadStageInput): Promise<{ moved: boolean }> {
      const { connectionId, contactId, leadId, stageId, fromStageId, trigger, ruleIndex } = input;
      return classified(async () => {
        const { krayin } = connections.get(connectionId);
        const lead = await krayin.getLead(leadId);
        // Decided on the stage we read a moment ago: if someone moved the lead since, their move wins.
        if (!lead || (lead.lead_pipeline_stage_id !== fromStageId && lead.lead_pipeline_stage_id !== stageId)) {
          return { moved: false };
        }
        if (lead.lead_pipeline_stage_id === stageId) return { moved: false };
        if (!(await leadWritable(deps, { connectionId, contactId }, lead))) return { moved: false };
        await krayin.moveLeadStage(leadId, stageId);
        await store.audit.append({
          connectionId,
          contactId,
          action: 'lead.stage_moved',
          detail: { leadId, from: fromStageId, to: stageId, trigger, ruleIndex },
        });
        return { moved: true };
      });
    },

    /** The lead's owner follows the conversation's assignee (matched by email), else the default owner. */
    async assignLeadOwner(input: AssignLeadOwnerInput): Promise<{ ownerId: number | null; changed: boolean }> {
      const { connectionId, contactId, leadId, assigneeId } = input;
      return classified(async () => {
        const conn = connections.get(connectionId);
        const email = assigneeId === null ? null : await conn.agents.emailOf(assigneeId);
        const ownerId = mapAssigneeToOwner(
          email,
          await conn.lookups.usersIncluding(email),
          await conn.lookups.ownerId(conn.config.sync.lead.owner),
        );
        if (ownerId === null) return { ownerId, changed: false };
        const lead = await conn.krayin.getLead(leadId);
        if (!lead || lead.user?.id === ownerId || lead.lead_pipeline_stage_id === null)
          return { ownerId, changed: false };
        // A won or lost deal belongs to whoever closed it; and the full PUT would reset its closed_at.
        if (!(await conn.lookups.isOpenStage(lead.lead_pipeline_stage_id))) return { ownerId, changed: false };
        if (!(await leadWritable(deps, { connectionId, contactId }, lead))) return { ownerId, changed: false };
        await conn.krayin.updateLead(leadId, {
          title: lead.title ?? '',
          lead_pipeline_stage_id: lead.lead_pipeline_stage_id,
          user_id: ownerId,
        });
        await store.audit.append({ connectionId, contactId, action: 'lead.owner_set', detail: { leadId, ownerId } });
        return { ownerId, changed: true };
      });
    },

    /** Saves what the conversation looked like, once everything its change implied has been done. */
    async recordConversation({ connectionId, contactId, conversationId, observed }: RecordConversationInput) {
      await store.conversations.upsert(connectionId, conversationId, {
        contactId,
        observedState: observed as unknown as JsonValue,
      });
    },

    /** Keeps conversations for later (contact not syncable yet, or parked): forces a rewrite when it syncs. */
    async rememberConversations({
      connectionId,
      contactId,
      conversationIds,
    }: ContactRef & { conversationIds: number[] }) {
      for (const conversationId of conversationIds) {
        await store.conversations.upsert(connectionId, conversationId, { contactId, lastHash: null });
      }
    },
  };
}

/** The ActivityInput fields of a rendered activity (Temporal serialises nothing here: it stays in-process). */
function body(r: RenderedActivity): ActivityInput {
  return {
    type: r.type,
    title: r.title,
    comment: r.comment,
    additional: r.additional as unknown as Record<string, unknown>,
    location: r.location,
    is_done: r.is_done,
    ...(r.schedule_from ? { schedule_from: r.schedule_from, schedule_to: r.schedule_to ?? r.schedule_from } : {}),
  };
}

/** PUT the activity; null when Krayin no longer has it (deleted there: find or create again). */
async function updateOrForget(krayin: KrayinApi, id: number, input: Partial<ActivityInput>): Promise<number | null> {
  try {
    return (await krayin.updateActivity(id, input)).id;
  } catch (err) {
    if (err instanceof KrayinNotFoundError) return null;
    throw err;
  }
}

/**
 * Creates the activity, then marks it done when it should be: Krayin forces is_done to 0 for every
 * type but note on create. An ambiguous answer is resolved by looking for our marker.
 */
async function createOnce(
  krayin: KrayinApi,
  input: ActivityInput,
  findAgain: () => Promise<KrayinActivity | null>,
): Promise<number> {
  let created: KrayinActivity;
  try {
    created = await krayin.createActivity(input);
  } catch (err) {
    if (!(err instanceof KrayinAmbiguousError)) throw err;
    const found = await findAgain();
    if (!found) throw err;
    created = found;
  }
  if (input.is_done === 1 && created.is_done !== 1) await krayin.updateActivity(created.id, { is_done: 1 });
  return created.id;
}

async function timelineOf(krayin: KrayinApi, leadId: number | null, personId: number): Promise<KrayinActivity[]> {
  return leadId !== null ? krayin.listLeadActivities(leadId) : krayin.listPersonActivities(personId);
}

async function findOnTimeline(
  krayin: KrayinApi,
  leadId: number | null,
  personId: number,
  match: (a: KrayinActivity) => boolean,
): Promise<{ activity: KrayinActivity; onLead: boolean } | null> {
  const onLead = leadId !== null ? (await krayin.listLeadActivities(leadId)).find(match) : undefined;
  if (onLead) return { activity: onLead, onLead: true };
  // Written before the contact had a lead (or before a relink): it sits on the person's timeline.
  const onPerson = (await krayin.listPersonActivities(personId)).find(match);
  return onPerson ? { activity: onPerson, onLead: false } : null;
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
