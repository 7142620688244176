/**
 * "Create lead" from the CRM panel in Chatwoot (src/chatwoot-app): the lead the sync would write for
 * this contact, mapped from Chatwoot as it is now, whatever the lead policy says (the agent asks for it
 * on purpose, so `never` and `first_conversation` do not hold it back). Reads Chatwoot and our store
 * only; the contact workflow hands the result to the Krayin set's ensureLead, whose find-or-create
 * rules (our link, else an open lead of the person, else a new one) make sure there is never a second lead.
 */
import type { AttributeCatalog } from '../../src/mapping/contact';
import { mapContact } from '../../src/mapping/contact';
import { fieldMapNeedsCatalog } from '../../src/mapping/field-map';
import type { DesiredLead } from '../../src/mapping/types';
import type { ChatwootActivityDeps } from '../deps';
import { classified } from '../failures';

export interface PlanAgentLeadInput {
  connectionId: string;
  contactId: number;
  catalog?: AttributeCatalog;
}

export type PlanAgentLeadResult =
  | { kind: 'lead'; personId: number; lead: DesiredLead }
  /** The field map names custom attributes: ask again with Krayin's catalog (fieldMapCatalog). */
  | { kind: 'needs_catalog' }
  /** Nothing to do: the contact has a lead already. */
  | { kind: 'has_lead' }
  /** Not synced yet (no person), gone from Chatwoot, or not mappable: the panel offers "Sync now" instead. */
  | { kind: 'refused'; why: 'no_person' | 'gone' | 'not_mappable' };

export function agentLeadActivities({ store, connections }: ChatwootActivityDeps) {
  return {
    async planAgentLead({ connectionId, contactId, catalog }: PlanAgentLeadInput): Promise<PlanAgentLeadResult> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const sync = conn.config.sync;
        const link = await store.links.getContact(connectionId, contactId);
        if (link?.leadId) return { kind: 'has_lead' };
        if (!link?.personId) return { kind: 'refused', why: 'no_person' };
        if (catalog === undefined && fieldMapNeedsCatalog(sync.fieldMap)) return { kind: 'needs_catalog' };
        const contact = await conn.chatwoot.getContact(contactId);
        if (!contact) return { kind: 'refused', why: 'gone' };
        // On purpose: the lead as the sync maps it under a policy that creates leads.
        const mapped = mapContact(contact, { ...sync, leadPolicy: 'contact_created' }, catalog, {
          timezone: conn.config.krayin.timezone,
        });
        if (mapped.kind !== 'sync' || !mapped.lead) return { kind: 'refused', why: 'not_mappable' };
        return { kind: 'lead', personId: link.personId, lead: mapped.lead };
      });
    },
  };
}
