/**
 * Conversations as Krayin activities, and the Krayin side of stage progression. Krayin calls only:
 * what to write was read and rendered from Chatwoot on the main queue (activities/chatwoot/conversations.ts).
 *
 * One activity per conversation on the lead (else the person), found again by the marker we put in
 * its `additional` JSON, so a retry after a crash or an ambiguous answer updates it instead of
 * writing a second one. The decisions about stages live in the workflow.
 */
import { Context } from '@temporalio/activity';
import { isConversationMarker, isMessageMarker } from '../../src/conversations';
import type { ActivityInput, KrayinActivity, KrayinApi } from '../../src/krayin/api';
import { KrayinAmbiguousError, KrayinNotFoundError } from '../../src/krayin/errors';
import { mapAssigneeToOwner } from '../../src/rules/owner';
import { activityIsOurs } from '../../src/sync/ownership';
import {
  activityInputOf,
  type ContactRef,
  type LeadStageContext,
  type MoveLeadStageInput,
  type SetLeadOwnerInput,
  type WriteConversationInput,
  type WriteConversationResult,
  type WriteMessagesInput,
} from '../contracts';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';
import { conversationTargetUsable, leadWritable } from './conversation-targets';
import { reportLinkMismatch } from './link-mismatch';

export function krayinConversationActivities(deps: KrayinActivityDeps) {
  const { store, connections } = deps;
  return {
    /** Writes (or updates) the conversation's activity read and rendered by readConversation. */
    async writeConversation(input: WriteConversationInput): Promise<WriteConversationResult> {
      const { connectionId, contactId, conversationId, leadId, personId, hash } = input;
      const rendered = activityInputOf(input.activity);
      return classified(async () => {
        const conn = connections.get(connectionId);
        const { krayin } = conn;
        const accountId = conn.config.chatwoot.accountId;
        const link = await store.conversations.get(connectionId, conversationId);
        const attachToLead = leadId !== null && link?.leadId !== leadId;
        const target = leadId !== null ? { lead_id: leadId } : { person_id: personId };
        const marker = (a: KrayinActivity) => isConversationMarker(a.additional, conversationId, accountId);
        // Linking an activity to a lead deleted in Krayin inserts the activity and then fails
        // (src/krayin/README.md §10): every retry would leave another one. And a lead or person whose id now
        // names someone else's record (Krayin restored) must not get our conversation. Check first.
        // A lead this round verified or created (input.leadSeen) is not checked a second time.
        const leadChecked = input.leadSeen !== undefined && leadId !== null;
        const targetGone = async () =>
          !leadChecked &&
          !(await conversationTargetUsable(
            deps,
            conn,
            { connectionId, contactId, conversationId },
            input,
            input.contactHashes,
          ));
        let activityId = link?.activityId ?? null;
        if (activityId !== null) {
          if (attachToLead && (await targetGone())) return { kind: 'lead_gone' };
          // Only our own activity is updated in place: the stored id may name someone else's now.
          const linked = await krayin.getActivity(activityId);
          if (linked && !activityIsOurs(linked, conversationId, accountId)) {
            await reportLinkMismatch(deps, connectionId, contactId, 'activity', { activityId, conversationId });
            await store.conversations.upsert(connectionId, conversationId, { contactId, activityId: null });
            activityId = null;
          } else if (!linked) activityId = null;
          else activityId = await updateOrForget(krayin, activityId, { ...rendered, ...(attachToLead ? target : {}) });
        }
        if (activityId === null) {
          if (await targetGone()) return { kind: 'lead_gone' };
          // A lead created by this round holds nothing of ours yet, and a conversation the store never
          // linked had no activity written by us: only a retry (an earlier attempt may have created it
          // before it could record it) has to look for our marker first.
          const nothingToFind =
            input.leadSeen?.created === true && link?.activityId == null && Context.current().info.attempt === 1;
          const found = nothingToFind ? null : await findOnTimeline(krayin, leadId, personId, marker);
          if (found) {
            // Found on the person's timeline only: attach it to the lead as well (Krayin adds links, never removes).
            const attach = leadId !== null && !found.onLead ? target : {};
            activityId = await updateOrForget(krayin, found.activity.id, { ...rendered, ...attach });
          } else {
            activityId = await createOnce(
              krayin,
              { ...rendered, ...target },
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
        return { kind: 'written', activityId };
      });
    },

    /**
     * Writes a batch of per-message activities (readMessages). Heartbeats each message id done, so a
     * retry after a worker died mid-batch resumes after it instead of re-checking the messages before.
     */
    async writeMessages(input: WriteMessagesInput): Promise<{ written: number; targetUsable: boolean }> {
      const { connectionId, contactId, conversationId, leadId, personId } = input;
      return classified(async () => {
        const conn = connections.get(connectionId);
        const { krayin } = conn;
        const accountId = conn.config.chatwoot.accountId;
        const resumeAfter = lastHeartbeat();
        const todo = input.messages.filter((m) => resumeAfter === null || m.messageId > resumeAfter);
        if (todo.length === 0) return { written: 0, targetUsable: true };
        // The lead (else person) the messages go to must still be the contact's (see writeConversation).
        const ref = { connectionId, contactId, conversationId };
        if (!(await conversationTargetUsable(deps, conn, ref, input, input.contactHashes))) {
          return { written: 0, targetUsable: false };
        }
        // One timeline read per attempt finds what an interrupted earlier attempt already wrote.
        const timeline = todo.some((m) => m.activity !== null) ? await timelineOf(krayin, leadId, personId) : [];
        const target = leadId !== null ? { lead_id: leadId } : { person_id: personId };
        let written = 0;
        for (const { messageId, activity } of todo) {
          if (activity) {
            const existing = timeline.find((a) => isMessageMarker(a.additional, conversationId, messageId, accountId));
            const created = existing ?? (await krayin.createActivity({ ...activityInputOf(activity), ...target }));
            await store.messages.upsert(connectionId, messageId, { conversationId, activityId: created.id });
            if (!existing) written++;
          }
          await store.conversations.upsert(connectionId, conversationId, { contactId, lastMessageId: messageId });
          Context.current().heartbeat(messageId);
        }
        return { written, targetUsable: true };
      });
    },

    /**
     * The lead's stage and what the rules need. One read, which also verifies the lead is still the
     * contact's (so the move after it need not read again), unless this round created or read the
     * lead already and passes its stage (`knownStageId`).
     */
    async leadStageContext({
      connectionId,
      contactId,
      leadId,
      knownStageId,
    }: ContactRef & { leadId: number; knownStageId?: number }): Promise<LeadStageContext> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const rules = conn.config.sync.stageRules;
        if (knownStageId !== undefined) {
          const pipelines = await conn.lookups.pipelinesIncluding(knownStageId);
          return { currentStageId: knownStageId, pipelines, rules, checked: true };
        }
        const lead = await conn.krayin.getLead(leadId);
        const ours = lead !== null && (await leadWritable(deps, { connectionId, contactId }, lead));
        const currentStageId = ours ? lead.lead_pipeline_stage_id : null;
        return {
          currentStageId,
          pipelines: await conn.lookups.pipelinesIncluding(currentStageId),
          rules,
          checked: ours,
        };
      });
    },

    /** Stage-only move (PUT /leads/stage/edit/{id} wipes no other lead field). */
    async moveLeadStage(input: MoveLeadStageInput): Promise<{ moved: boolean }> {
      const { connectionId, contactId, leadId, stageId, fromStageId, trigger, ruleIndex } = input;
      return classified(async () => {
        const { krayin } = connections.get(connectionId);
        // `checked`: leadStageContext read the stage and verified the lead a moment ago (or this round
        // created it there); reading again would only narrow, not close, the window in which sales
        // could move it (Krayin has no conditional update). Unchecked (runs before the call cuts): read.
        if (!input.checked) {
          const lead = await krayin.getLead(leadId);
          // Decided on the stage we read a moment ago: if someone moved the lead since, their move wins.
          if (!lead || (lead.lead_pipeline_stage_id !== fromStageId && lead.lead_pipeline_stage_id !== stageId)) {
            return { moved: false };
          }
          if (lead.lead_pipeline_stage_id === stageId) return { moved: false };
          if (!(await leadWritable(deps, { connectionId, contactId }, lead))) return { moved: false };
        }
        try {
          await krayin.moveLeadStage(leadId, stageId);
        } catch (err) {
          // Deleted since (or its pipeline changed, so the stage is not one of its pipeline's): no move.
          if (err instanceof KrayinNotFoundError) return { moved: false };
          throw err;
        }
        await store.audit.append({
          connectionId,
          contactId,
          action: 'lead.stage_moved',
          detail: { leadId, from: fromStageId, to: stageId, trigger, ruleIndex },
        });
        return { moved: true };
      });
    },

    /**
     * The lead's owner follows the conversation's assignee (matched by email, read from Chatwoot by
     * readConversation), else the default owner.
     */
    async setLeadOwner(input: SetLeadOwnerInput): Promise<{ ownerId: number | null; changed: boolean }> {
      const { connectionId, contactId, leadId, assigneeEmail: email } = input;
      return classified(async () => {
        const conn = connections.get(connectionId);
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
  };
}

/** The message id the previous attempt of this activity heartbeated last (null: first attempt). */
function lastHeartbeat(): number | null {
  const details: unknown = Context.current().info.heartbeatDetails;
  return typeof details === 'number' ? details : null;
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
