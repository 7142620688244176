/**
 * What one conversation change means for Krayin, as a business process:
 *
 *   write the conversation's activity -> what changed since we last looked? (stage triggers)
 *   -> move the lead by the stage rules -> the lead's owner follows the assignee
 *   -> optional per-message activities -> remember what we saw
 *
 * The stage decision is made here, from pure rules (src/rules), on state diffs rather than on event
 * names, because Chatwoot delivers webhooks unordered and duplicated. What we saw is recorded last,
 * so a crash anywhere before it repeats the decision instead of losing it.
 */
import type { ContactRef } from '../activities/contracts';
import { decideStageMove } from '../src/rules/stage-move';
import { detectTriggers } from '../src/rules/triggers';
import { activitySummaries as say } from '../src/shared/ui-metadata';
import type { ActivityProxies } from './activity-proxies';

export interface ConversationFlowResult {
  conversationId: number;
  outcome: 'synced' | 'unchanged' | 'gone' | 'moved' | 'lead_gone';
  stageMovedTo: number | null;
}

export async function syncConversationFlow(
  acts: ActivityProxies,
  ref: ContactRef,
  conversationId: number,
  contact: { personId: number; leadId: number | null },
): Promise<ConversationFlowResult> {
  const conv = { ...ref, conversationId };
  const result = await acts.krayin.syncConversation.executeWithOptions(
    { summary: say.syncConversation(conversationId, contact.leadId, contact.personId) },
    [{ ...conv, ...contact }],
  );
  if (result.kind !== 'synced') return { conversationId, outcome: result.kind, stageMovedTo: null };

  const { leadId } = contact;
  let stageMovedTo: number | null = null;
  const triggers = detectTriggers(result.previous, result.observed);
  if (leadId !== null && result.follow.stageRules && triggers.length > 0) {
    const lead = await acts.krayin.leadStageContext.executeWithOptions(
      { summary: say.leadStageContext(leadId, triggers) },
      [{ ...ref, leadId }],
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
          },
        ],
      );
      if (moved) stageMovedTo = move.stageId;
    }
  }

  const assigneeChanged = result.observed.assigneeId !== (result.previous?.assigneeId ?? null);
  if (leadId !== null && result.follow.assigneeOwner && assigneeChanged && result.observed.assigneeId !== null) {
    await acts.krayin.assignLeadOwner.executeWithOptions({ summary: say.assignLeadOwner(leadId, conversationId) }, [
      { ...conv, leadId, assigneeId: result.observed.assigneeId },
    ]);
  }

  if (result.follow.messageActivities) {
    for (let batch = 1; ; batch++) {
      const { more } = await acts.krayin.syncMessageActivities.executeWithOptions(
        { summary: say.syncMessageActivities(conversationId, batch) },
        [{ ...conv, ...contact }],
      );
      if (!more) break;
    }
  }

  await acts.store.recordConversation.executeWithOptions({ summary: say.recordConversation(conversationId) }, [
    { ...conv, observed: result.observed },
  ]);
  return { conversationId, outcome: result.written ? 'synced' : 'unchanged', stageMovedTo };
}
