/**
 * Make sure the contact has a lead: our link (if that lead is still its person's), else an open lead
 * of the person (a lead in a won/lost stage is history, not the current deal), else a new one. Looks
 * before it creates, so it is safe to retry. Lead fields are written when the lead is created;
 * afterwards the lead belongs to sales (stage moves come from the stage rules, never from contact updates).
 */
import type { DesiredLead } from '../../src/mapping/types';
import { leadInputFor } from '../../src/sync/lead-input';
import { leadIsOurs } from '../../src/sync/ownership';
import type { EnsureLeadInput } from '../contracts';
import type { KrayinActivityDeps, KrayinSide } from '../deps';
import { classified } from '../failures';
import { reportLinkMismatch } from './link-mismatch';

export function leadActivities(deps: KrayinActivityDeps) {
  return {
    async ensureLead({ connectionId, contactId, personId, lead }: EnsureLeadInput): Promise<{ leadId: number }> {
      return classified(async () => {
        const conn = deps.connections.get(connectionId);
        return { leadId: await resolveLead(deps, conn, { connectionId, contactId }, personId, lead) };
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
): Promise<number> {
  const { store } = deps;
  const { krayin, lookups } = conn;
  const link = await store.links.getContact(connectionId, contactId);
  if (link?.leadId) {
    const linked = await krayin.getLead(link.leadId);
    if (linked && leadIsOurs(linked, personId)) return link.leadId;
    if (linked) await reportLinkMismatch(deps, connectionId, contactId, 'lead', { leadId: link.leadId, personId });
    else await store.audit.append({ connectionId, contactId, action: 'lead.relink', detail: { leadId: link.leadId } });
    await store.links.upsertContact(connectionId, contactId, { leadId: null });
  }

  const leads = await krayin.findLeadsByPerson(personId);
  for (const candidate of leads) {
    if (await lookups.isOpenStage(candidate.lead_pipeline_stage_id)) {
      await store.links.upsertContact(connectionId, contactId, { leadId: candidate.id });
      await store.audit.append({ connectionId, contactId, action: 'lead.linked', detail: { leadId: candidate.id } });
      return candidate.id;
    }
  }

  const target = await lookups.leadTarget(conn.config.sync.lead);
  const created = await krayin.createLead(leadInputFor(lead, target), { id: personId });
  await store.links.upsertContact(connectionId, contactId, { leadId: created.id });
  await store.audit.append({
    connectionId,
    contactId,
    action: 'lead.created',
    detail: { leadId: created.id, personId },
  });
  return created.id;
}
