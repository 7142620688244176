/**
 * CRM_ACTIVITY_NOTES, the Chatwoot side (docs/two-way-sync.md, "Krayin activities as notes"): a sales
 * user's Krayin activity, read by readKrayinActivity on the Krayin queue, becomes one private note in the
 * contact's most recently active open conversation. The store keeps a hash of what the note showed
 * (krayin_activity_notes): the same activity seen again writes nothing, an edit of what the note shows
 * writes one "updated" note. Private notes never reach the customer.
 */
import type { ChatwootConnectionApi } from '../../src/chatwoot/api-client';
import { activityNoteHash, activityNoteText } from '../../src/two-way/activity-notes';
import type { ChatwootActivityDeps } from '../deps';
import { classified } from '../failures';
import type { NoteKrayinActivityInput, NoteKrayinActivityResult } from '../two-way-activity-contracts';

export function activityNoteActivities(deps: ChatwootActivityDeps) {
  return {
    async noteKrayinActivity({
      connectionId,
      contactId,
      facts,
    }: NoteKrayinActivityInput): Promise<NoteKrayinActivityResult> {
      return classified(async () => {
        const { config, chatwoot } = deps.connections.get(connectionId);
        if (!config.crmFacts.activityNotes) return { kind: 'disabled' };
        const hash = activityNoteHash(connectionId, contactId, facts);
        const before = await deps.store.activityNotes.get(connectionId, contactId, facts.activityId);
        if (before === hash) return { kind: 'unchanged' };
        const how = before === null ? 'logged' : 'updated';
        if (!(await writeNote(chatwoot, contactId, activityNoteText(facts, how))))
          return { kind: 'no_open_conversation' };
        // After the note: a failure in between writes it again on the retry rather than losing it.
        await deps.store.activityNotes.set(connectionId, contactId, facts.activityId, hash);
        return { kind: 'noted', how };
      });
    },
  };
}

/** Into the contact's most recently active open conversation; none open: no note (false). */
async function writeNote(chatwoot: ChatwootConnectionApi, contactId: number, note: string): Promise<boolean> {
  const conversations = await chatwoot.listContactConversations(contactId);
  const open = conversations?.find((c) => c.status === 'open');
  if (!open) return false;
  return (await chatwoot.createPrivateNote(open.id, note)) !== null;
}
