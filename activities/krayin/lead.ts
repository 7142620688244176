/**
 * Make sure the contact has a lead: our link (if that lead is still its person's), else an open lead
 * of the person (a lead in a won/lost stage is history, not the current deal), else a new one. Looks
 * before it creates, so it is safe to retry. Lead fields are written when the lead is created;
 * afterwards the lead belongs to sales (stage moves come from the stage rules, never from contact updates).
 *
 * A lead created because a conversation started is created directly in the stage the stage rules
 * would move it to for that conversation (`conversation_created`), so the first conversation costs no
 * stage move (docs/performance.md, "Krayin calls per event").
 */
import type { DesiredLead } from '../../src/mapping/types';
import { decideStageMove } from '../../src/rules/stage-move';
import { leadInputFor } from '../../src/sync/lead-input';
import type { LeadTarget } from '../../src/sync/lookups';
import { leadIsOurs } from '../../src/sync/ownership';
import type { EnsureLeadInput, EnsureLeadResult, LeadSeen } from '../contracts';
import type { KrayinActivityDeps, KrayinSide } from '../deps';
import { classified } from '../failures';
import { reportLinkMismatch } from './link-mismatch';

export function leadActivities(deps: KrayinActivityDeps) {
  return {
    async ensureLead(input: EnsureLeadInput): Promise<EnsureLeadResult> {
      const { connectionId, contactId, personId, lead } = input;
      return classified(async () => {
        const conn = deps.connections.get(connectionId);
        const resolved = await resolveLead(
          deps,
          conn,
          { connectionId, contactId },
          personId,
          lead,
          input.conversationIds,
        );
        return { leadId: resolved.leadId, leadSeen: resolved.seen };
      });
    },
  };
}

/**
 * The contact's lead for this (verified) person. A linked lead that Krayin deleted is relinked; one
 * whose person is not ours (Krayin restored, ids handed out again) is never used: link_mismatch.
 */
export async function resolveLead(
  deps: KrayinActivityDeps,
  conn: KrayinSide,
  { connectionId, contactId }: { connectionId: string; contactId: number },
  personId: number,
  lead: DesiredLead,
  conversationIds: number[] = [],
): Promise<{ leadId: number; seen: LeadSeen }> {
  const { store } = deps;
  const { krayin, lookups } = conn;
  const link = await store.links.getContact(connectionId, contactId);
  if (link?.leadId) {
    const linked = await krayin.getLead(link.leadId);
    if (linked && leadIsOurs(linked, personId))
      return { leadId: link.leadId, seen: { created: false, stageId: linked.lead_pipeline_stage_id } };
    if (linked) await reportLinkMismatch(deps, connectionId, contactId, 'lead', { leadId: link.leadId, personId });
    else await store.audit.append({ connectionId, contactId, action: 'lead.relink', detail: { leadId: link.leadId } });
    await store.links.upsertContact(connectionId, contactId, { leadId: null });
  }

  const leads = await krayin.findLeadsByPerson(personId);
  for (const candidate of leads) {
    if (await lookups.isOpenStage(candidate.lead_pipeline_stage_id)) {
      await store.links.upsertContact(connectionId, contactId, { leadId: candidate.id });
      await store.audit.append({ connectionId, contactId, action: 'lead.linked', detail: { leadId: candidate.id } });
      return { leadId: candidate.id, seen: { created: false, stageId: candidate.lead_pipeline_stage_id } };
    }
  }

  const { target, rule } = await newLeadTarget(deps, conn, connectionId, conversationIds);
  const created = await krayin.createLead(leadInputFor(lead, target), { id: personId });
  await store.links.upsertContact(connectionId, contactId, { leadId: created.id });
  await store.audit.append({
    connectionId,
    contactId,
    action: 'lead.created',
    detail: { leadId: created.id, personId, ...rule },
  });
  return { leadId: created.id, seen: { created: true, stageId: created.lead_pipeline_stage_id ?? target.stageId } };
}

/**
 * Where a new lead goes: the configured pipeline and stage, moved on at once to the stage the rules
 * name for `conversation_created` when one of this round's conversations was never seen before (the
 * conversation step would make exactly that move right after; it then finds the lead there already).
 * Krayin's lead create takes the stage (src/krayin/README.md §9), so this saves a stage-edit call.
 */
export async function newLeadTarget(
  { store }: KrayinActivityDeps,
  conn: KrayinSide,
  connectionId: string,
  conversationIds: number[],
): Promise<{ target: LeadTarget; rule: { stageId: number; trigger: string; ruleIndex: number } | null }> {
  const target = await conn.lookups.leadTarget(conn.config.sync.lead);
  const rules = conn.config.sync.stageRules;
  if (conversationIds.length === 0 || rules.length === 0) return { target, rule: null };
  let unseen = false;
  for (const id of conversationIds) {
    if (((await store.conversations.get(connectionId, id))?.observedState ?? null) === null) unseen = true;
  }
  if (!unseen) return { target, rule: null };
  const move = decideStageMove({
    currentStageId: target.stageId,
    pipelines: await conn.lookups.pipelinesIncluding(target.stageId),
    triggers: ['conversation_created'],
    rules,
  });
  if (!move) return { target, rule: null };
  // For the audit trail: which rule chose the stage the lead was created in.
  return {
    target: { ...target, stageId: move.stageId },
    rule: { stageId: move.stageId, trigger: move.trigger, ruleIndex: move.ruleIndex },
  };
}
