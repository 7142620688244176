/**
 * Make sure the contact has a lead: our link, else an open lead of the person (a lead in a won/lost
 * stage is history, not the current deal), else a new one. Looks before it creates, so it is safe to
 * retry. Lead fields are written when the lead is created; afterwards the lead belongs to sales
 * (stage moves come from the stage rules, never from contact updates).
 */
import { leadInputFor } from '../src/sync/lead-input';
import type { EnsureLeadInput } from './contracts';
import type { ActivityDeps } from './deps';
import { classified } from './failures';

export function leadActivities({ store, connections }: ActivityDeps) {
  return {
    async ensureLead({ connectionId, contactId, personId, lead }: EnsureLeadInput): Promise<{ leadId: number }> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const { krayin, lookups } = conn;
        const link = await store.links.getContact(connectionId, contactId);
        if (link?.leadId) {
          if (await krayin.getLead(link.leadId)) return { leadId: link.leadId };
          await store.audit.append({ connectionId, contactId, action: 'lead.relink', detail: { leadId: link.leadId } });
        }

        const leads = await krayin.findLeadsByPerson(personId);
        for (const candidate of leads) {
          if (await lookups.isOpenStage(candidate.lead_pipeline_stage_id)) {
            await store.links.upsertContact(connectionId, contactId, { leadId: candidate.id });
            await store.audit.append({
              connectionId,
              contactId,
              action: 'lead.linked',
              detail: { leadId: candidate.id },
            });
            return { leadId: candidate.id };
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
        return { leadId: created.id };
      });
    },
  };
}
