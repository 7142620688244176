/**
 * "Add note to the lead" and "Move to stage" from the CRM panel in Chatwoot (src/chatwoot-app): a Krayin note activity on
 * the contact's linked lead, Krayin queue. The contact workflow runs it when the panel's `agentAction`
 * signal arrives, so it is serialized with the contact's syncs. A retried attempt first looks for the
 * note's marker on the lead (the first attempt may have written it before timing out): never twice.
 */
import { Context } from '@temporalio/activity';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';
import { anyOtherStages, forwardStages } from '../../src/chatwoot-app/stages';
import type { KrayinLead } from '../../src/krayin/api';
import { identityHashSalt, leadIsOurs, personIsOurs } from '../../src/sync/ownership';

export interface AddLeadNoteInput {
  connectionId: string;
  contactId: number;
  /** Unique per note (the panel's request): the idempotency marker. */
  noteId: string;
  text: string;
}

export type AddLeadNoteResult =
  | { kind: 'added'; activityId: number }
  | { kind: 'exists' }
  | { kind: 'no_lead' }
  /** The stored ids name another customer's records now (Krayin restored): nothing written. */
  | { kind: 'not_ours' };

export const AGENT_NOTE_TITLE = 'Note from Chatwoot';

export interface MoveLeadForwardInput {
  connectionId: string;
  contactId: number;
  stageId: number;
  /** The agent may move backwards (checked by the panel against Chatwoot): any other stage of the pipeline. */
  anyStage?: boolean;
}

export type MoveLeadForwardResult =
  { kind: 'moved' } | { kind: 'refused'; why: 'no_lead' | 'not_forward' | 'not_ours' };

/**
 * The contact's lead, read and proven the contact's before anything is written through its stored id
 * (src/sync/ownership.ts): the linked person carries an email or phone we wrote to it, and the lead is
 * that person's. After a Krayin restore the same ids can name another customer's records (issue 8).
 */
async function verifiedLead(
  { store, connections }: KrayinActivityDeps,
  connectionId: string,
  contactId: number,
): Promise<{ kind: 'lead'; lead: KrayinLead } | { kind: 'no_lead' } | { kind: 'not_ours' }> {
  const link = await store.links.getContact(connectionId, contactId);
  if (!link?.leadId || !link.personId) return { kind: 'no_lead' };
  const krayin = connections.get(connectionId).krayin;
  const [person, lead, written] = await Promise.all([
    krayin.getPerson(link.personId),
    krayin.getLead(link.leadId),
    store.writtenIdentities.get(connectionId, contactId),
  ]);
  if (!lead) return { kind: 'no_lead' };
  const ours =
    person !== null &&
    personIsOurs(person, {
      emails: [],
      phones: [],
      writtenHashes: written?.personId === person.id ? written.hashes : [],
      salt: identityHashSalt(connectionId, contactId),
    }) &&
    leadIsOurs(lead, person.id);
  return ours ? { kind: 'lead', lead } : { kind: 'not_ours' };
}

export function agentNoteActivities(deps: KrayinActivityDeps) {
  const { store, connections } = deps;
  return {
    /** "Move to stage" from the panel: checked forward-only against the lead as it is now, then moved. */
    async moveLeadForward(input: MoveLeadForwardInput): Promise<MoveLeadForwardResult> {
      return classified(async () => {
        const verified = await verifiedLead(deps, input.connectionId, input.contactId);
        if (verified.kind !== 'lead') return { kind: 'refused', why: verified.kind };
        const { lead } = verified;
        const leadId = lead.id;
        const conn = connections.get(input.connectionId);
        const pipelines = await conn.lookups.pipelinesIncluding(lead.lead_pipeline_stage_id);
        const choices = input.anyStage ? anyOtherStages : forwardStages;
        const allowed = choices(pipelines, lead.lead_pipeline_stage_id).some((s) => s.id === input.stageId);
        if (!allowed) return { kind: 'refused', why: 'not_forward' };
        // Idempotent: a retried attempt finds the lead there already and moves it to the same stage.
        await conn.krayin.moveLeadStage(leadId, input.stageId);
        await store.audit.append({
          connectionId: input.connectionId,
          contactId: input.contactId,
          action: 'chatwoot_app.stage_moved',
          detail: { leadId, stageId: input.stageId, ...(input.anyStage ? { anyStage: true } : {}) },
        });
        return { kind: 'moved' };
      });
    },
    async addLeadNote(input: AddLeadNoteInput): Promise<AddLeadNoteResult> {
      return classified(async () => {
        const verified = await verifiedLead(deps, input.connectionId, input.contactId);
        if (verified.kind !== 'lead') return { kind: verified.kind };
        const leadId = verified.lead.id;
        const krayin = connections.get(input.connectionId).krayin;
        if (Context.current().info.attempt > 1) {
          const existing = await krayin.listLeadActivities(leadId);
          const marked = existing.some(
            (a) => (a.additional as { chatwootApp?: { note?: unknown } } | null)?.chatwootApp?.note === input.noteId,
          );
          if (marked) return { kind: 'exists' };
        }
        const created = await krayin.createActivity({
          type: 'note',
          title: AGENT_NOTE_TITLE,
          comment: input.text,
          additional: { chatwootApp: { note: input.noteId, contact: input.contactId } },
          is_done: 1,
          lead_id: leadId,
        });
        await store.audit.append({
          connectionId: input.connectionId,
          contactId: input.contactId,
          action: 'chatwoot_app.note_added',
          detail: { leadId, activityId: created.id },
        });
        return { kind: 'added', activityId: created.id };
      });
    },
  };
}
