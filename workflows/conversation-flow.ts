/**
 * What one conversation change means for Krayin, as a business process:
 *
 *   read the conversation from Chatwoot -> write its activity to Krayin (when it changed)
 *   -> what changed since we last looked? (stage triggers) -> move the lead by the stage rules
 *   -> the lead's owner follows the assignee -> optional per-message activities -> remember what we saw
 *
 * The stage decision is made here, from pure rules (src/rules), on state diffs rather than on event
 * names, because Chatwoot delivers webhooks unordered and duplicated. What we saw is recorded last,
 * so a crash anywhere before it repeats the decision instead of losing it. Chatwoot is read on the
 * main queue, Krayin written on the connection's rate-limited Krayin queue.
 */
import { patched } from '@temporalio/workflow';
import type { ContactRef, ConversationObservation, LeadSeen } from '../activities/contracts';
import { decideStageMove } from '../src/rules/stage-move';
import { detectTriggers } from '../src/rules/triggers';
import type { ActivityProxies } from './activity-proxies';
import { CALL_CUTS_PATCH } from './patches';
import { activitySummaries as say } from './ui-metadata';

/**
 * Before this patch one Krayin-queue activity read Chatwoot and wrote Krayin (syncConversation,
 * syncMessageActivities, assignLeadOwner); runs recorded then replay on that branch
 * (activities/krayin/legacy.ts keeps those activities registered).
 */
export const CONVERSATION_SPLIT_PATCH = 'conversation-read-then-write';

export interface ConversationFlowResult {
  conversationId: number;
  outcome: 'synced' | 'unchanged' | 'gone' | 'moved' | 'lead_gone';
  stageMovedTo: number | null;
  /** False when the stage step ran without knowing the lead's stage afterwards (a move that did not happen). */
  stageChecked?: boolean;
}

/** The contact's person and lead as the sync round left them, and what the round knows of the lead. */
export interface ContactTarget {
  personId: number;
  leadId: number | null;
  /** Set (since CALL_CUTS_PATCH) when this round verified or created the lead (contact-steps.ts). */
  leadSeen?: LeadSeen;
}

type Contact = { personId: number; leadId: number | null };

export async function syncConversationFlow(
  acts: ActivityProxies,
  ref: ContactRef,
  conversationId: number,
  target: ContactTarget,
): Promise<ConversationFlowResult> {
  const conv = { ...ref, conversationId };
  const contact: Contact = { personId: target.personId, leadId: target.leadId };
  const { leadSeen } = target;
  const split = patched(CONVERSATION_SPLIT_PATCH);
  const seen = split ? await readThenWrite(acts, conv, contact, leadSeen) : await legacySync(acts, conv, contact);
  if (seen.kind !== 'seen') return { conversationId, outcome: seen.kind, stageMovedTo: null };
  const { observation: result } = seen;

  const { leadId } = contact;
  let stageMovedTo: number | null = null;
  let stageChecked: boolean | undefined;
  // Since CALL_CUTS_PATCH only triggers some rule reacts to are looked at: no stage read for the others.
  const { stageTriggers } = result.follow;
  const triggers = detectTriggers(result.previous, result.observed).filter(
    (t) => stageTriggers === undefined || !patched(CALL_CUTS_PATCH) || stageTriggers.includes(t),
  );
  if (leadId !== null && result.follow.stageRules && triggers.length > 0) {
    // A stage this round created or read is passed on: the context step then reads nothing.
    const known = leadSeen?.stageId != null ? { knownStageId: leadSeen.stageId } : {};
    const lead = await acts.krayin.leadStageContext.executeWithOptions(
      { summary: say.leadStageContext(leadId, triggers) },
      [{ ...ref, leadId, ...known }],
    );
    const move = decideStageMove({
      currentStageId: lead.currentStageId,
      pipelines: lead.pipelines,
      triggers,
      rules: lead.rules,
    });
    if (move) {
      const { moved } = await acts.krayin.moveLeadStage.executeWithOptions(
        { summary: say.moveLeadStage(leadId, move.stageId, move.trigger) },
        [
          {
            ...ref,
            leadId,
            stageId: move.stageId,
            fromStageId: lead.currentStageId,
            trigger: move.trigger,
            ruleIndex: move.ruleIndex,
            ...(lead.checked ? { checked: true } : {}),
          },
        ],
      );
      if (moved) stageMovedTo = move.stageId;
      else stageChecked = false;
    }
  }

  const assigneeChanged = result.observed.assigneeId !== (result.previous?.assigneeId ?? null);
  if (leadId !== null && result.follow.assigneeOwner && assigneeChanged && result.observed.assigneeId !== null) {
    const summary = { summary: say.assignLeadOwner(leadId, conversationId) };
    if (split) {
      await acts.krayin.setLeadOwner.executeWithOptions(summary, [
        { ...conv, leadId, assigneeEmail: result.assigneeEmail },
      ]);
    } else {
      await acts.legacyKrayin.assignLeadOwner.executeWithOptions(summary, [
        { ...conv, leadId, assigneeId: result.observed.assigneeId },
      ]);
    }
  }

  if (result.follow.messageActivities) {
    if (split) await syncMessages(acts, conv, contact);
    else await legacySyncMessages(acts, conv, contact);
  }

  await acts.store.recordConversation.executeWithOptions({ summary: say.recordConversation(conversationId) }, [
    { ...conv, observed: result.observed },
  ]);
  return {
    conversationId,
    outcome: seen.written ? 'synced' : 'unchanged',
    stageMovedTo,
    ...(stageChecked === undefined ? {} : { stageChecked }),
  };
}

type Seen =
  { kind: 'gone' | 'moved' | 'lead_gone' } | { kind: 'seen'; observation: ConversationObservation; written: boolean };

type ConversationRefOf = ContactRef & { conversationId: number };

/** Chatwoot read on the main queue; the Krayin write (only when the content changed) on the Krayin queue. */
async function readThenWrite(
  acts: ActivityProxies,
  conv: ConversationRefOf,
  contact: Contact,
  leadSeen: LeadSeen | undefined,
): Promise<Seen> {
  const read = await acts.chatwoot.readConversation.executeWithOptions(
    { summary: say.readConversation(conv.conversationId) },
    [{ ...conv, ...contact }],
  );
  if (read.kind === 'gone' || read.kind === 'moved') return { kind: read.kind };
  const { previous, observed, follow, assigneeEmail } = read;
  const observation = { previous, observed, follow, assigneeEmail };
  if (read.kind === 'unchanged') return { kind: 'seen', observation, written: false };
  const write = await acts.krayin.writeConversation.executeWithOptions(
    { summary: say.writeConversation(conv.conversationId, contact.leadId, contact.personId) },
    [
      {
        ...conv,
        ...contact,
        activity: read.activity,
        hash: read.hash,
        contactHashes: read.contactHashes,
        ...(leadSeen && contact.leadId !== null ? { leadSeen } : {}),
      },
    ],
  );
  if (write.kind === 'lead_gone') return { kind: 'lead_gone' };
  return { kind: 'seen', observation, written: true };
}

async function syncMessages(acts: ActivityProxies, conv: ConversationRefOf, contact: Contact): Promise<void> {
  for (let batch = 1; ; batch++) {
    const read = await acts.chatwoot.readMessages.executeWithOptions(
      { summary: say.readMessages(conv.conversationId, batch) },
      [{ ...conv, ...contact }],
    );
    if (read.messages.length === 0) return;
    const { targetUsable } = await acts.krayinMessages.writeMessages.executeWithOptions(
      { summary: say.syncMessageActivities(conv.conversationId, batch) },
      [{ ...conv, ...contact, messages: read.messages, contactHashes: read.contactHashes }],
    );
    if (!targetUsable || !read.more) return;
  }
}

/** Runs recorded before CONVERSATION_SPLIT_PATCH: one Krayin-queue activity did the read and the write. */
async function legacySync(acts: ActivityProxies, conv: ConversationRefOf, contact: Contact): Promise<Seen> {
  const result = await acts.legacyKrayin.syncConversation.executeWithOptions(
    { summary: say.syncConversation(conv.conversationId, contact.leadId, contact.personId) },
    [{ ...conv, ...contact }],
  );
  if (result.kind !== 'synced') return { kind: result.kind };
  const { previous, observed, follow } = result;
  return { kind: 'seen', observation: { previous, observed, follow, assigneeEmail: null }, written: result.written };
}

async function legacySyncMessages(acts: ActivityProxies, conv: ConversationRefOf, contact: Contact): Promise<void> {
  for (let batch = 1; ; batch++) {
    const { more } = await acts.legacyKrayin.syncMessageActivities.executeWithOptions(
      { summary: say.syncMessageActivities(conv.conversationId, batch) },
      [{ ...conv, ...contact }],
    );
    if (!more) return;
  }
}
