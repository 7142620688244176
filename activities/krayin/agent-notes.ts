/**
 * "Add note to the lead" from the CRM panel in Chatwoot (src/chatwoot-app): a Krayin note activity on
 * the contact's linked lead, Krayin queue. The contact workflow runs it when the panel's `agentAction`
 * signal arrives, so it is serialized with the contact's syncs. A retried attempt first looks for the
 * note's marker on the lead (the first attempt may have written it before timing out): never twice.
 */
import { Context } from '@temporalio/activity';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';

export interface AddLeadNoteInput {
  connectionId: string;
  contactId: number;
  /** Unique per note (the panel's request): the idempotency marker. */
  noteId: string;
  text: string;
}

export type AddLeadNoteResult = { kind: 'added'; activityId: number } | { kind: 'exists' } | { kind: 'no_lead' };

export const AGENT_NOTE_TITLE = 'Note from Chatwoot';

export function agentNoteActivities({ store, connections }: KrayinActivityDeps) {
  return {
    async addLeadNote(input: AddLeadNoteInput): Promise<AddLeadNoteResult> {
      return classified(async () => {
        const link = await store.links.getContact(input.connectionId, input.contactId);
        const leadId = link?.leadId ?? null;
        if (!leadId) return { kind: 'no_lead' };
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
