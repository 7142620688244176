/**
 * The Krayin half of CRM facts in Chatwoot (docs/two-way-sync.md, "CRM facts in Chatwoot"): read the contact's lead, on
 * the connection's Krayin queue and within its request budget, and resolve what the contact should
 * show of it (stage and pipeline names from the cached reference data). The Chatwoot half,
 * applyLeadToChatwoot (activities/chatwoot/crm-attributes.ts), writes it; this set cannot reach Chatwoot.
 */
import { krayinWebBase } from '../../src/config/crm-attributes';
import { leadIsOurs } from '../../src/sync/ownership';
import { leadFacts } from '../../src/two-way/lead-attributes';
import type { ApplyLeadToChatwootInput, ReadLeadForChatwootResult } from '../two-way-contracts';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';

export function crmFactsKrayinActivities(deps: KrayinActivityDeps) {
  return {
    async readLeadForChatwoot(input: ApplyLeadToChatwootInput): Promise<ReadLeadForChatwootResult> {
      const { connectionId, contactId, leadId } = input;
      return classified(async () => {
        const conn = deps.connections.get(connectionId);
        const lead = await conn.krayin.getLead(leadId);
        if (!lead) return { kind: 'lead_gone' };
        // Only the lead of the contact's own person is shown on it (Krayin ids can be handed out again).
        const link = await deps.store.links.getContact(connectionId, contactId);
        if (!link?.personId || !leadIsOurs(lead, link.personId)) return { kind: 'not_ours' };
        const pipelines = await conn.lookups.pipelinesIncluding(lead.lead_pipeline_stage_id);
        // The lead show embeds its owner; the user list (cached) is only asked when it names no one by name.
        const users = lead.user && !lead.user.name ? await conn.lookups.users() : [];
        const { config } = conn;
        const facts = leadFacts(
          lead,
          { pipelines, users },
          { timeZone: config.krayin.timezone, webBase: krayinWebBase(config.krayin.url, config.crmFacts) },
        );
        return { kind: 'found', facts };
      });
    },
  };
}
