/**
 * A contact Chatwoot answers 404 for: deleted, or merged into another contact? Chatwoot says neither
 * (no webhook, the same 404), so this looks for the traces a merge leaves, PII-free (src/reconcile/gone.ts):
 * the gone contact's conversations now shown under another contact, and other contacts the store links to
 * the same Krayin person. Main queue: Chatwoot reads and the store, no Krayin call.
 */
import { mergeSurvivor } from '../../src/reconcile/gone';
import type { ContactRef } from '../contracts';
import type { ChatwootActivityDeps } from '../deps';
import { classified } from '../failures';

/** Conversations read to find where a merge moved them: one is enough, a few cover deleted ones. */
const CONVERSATIONS_CHECKED = 3;

export interface MergeTarget {
  /** The surviving contact the gone one was merged into; null: deleted (or no single survivor). */
  survivor: number | null;
  /** ON_CHATWOOT_DELETE, read live: the workflow skips the Krayin step for `keep`. */
  policy: 'keep' | 'tag' | 'delete_person';
}

export function mergeActivities({ store, connections }: ChatwootActivityDeps) {
  return {
    async findMergeTarget({ connectionId, contactId }: ContactRef): Promise<MergeTarget> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const policy = conn.config.sync.reconcile.onChatwootDelete;
        const link = await store.links.getContact(connectionId, contactId);
        if (!link?.personId) return { survivor: null, policy };

        const conversationOwners: number[] = [];
        const conversations = await store.conversations.listByContact(connectionId, contactId);
        for (const c of conversations.slice(0, CONVERSATIONS_CHECKED)) {
          const now = await conn.chatwoot.getConversation(c.conversationId);
          const owner = now?.meta.sender.id;
          if (owner !== undefined && owner !== contactId) {
            conversationOwners.push(owner);
            break;
          }
        }
        const samePersonContacts: number[] = [];
        for (const other of await store.links.findContactsByPerson(connectionId, link.personId)) {
          if (other.contactId !== contactId) samePersonContacts.push(other.contactId);
        }
        // A candidate must still exist in Chatwoot (two contacts merged into a third: neither survives).
        const alive: number[] = [];
        for (const id of new Set([...conversationOwners, ...samePersonContacts])) {
          if ((await conn.chatwoot.getContact(id)) !== null) alive.push(id);
        }
        const survivor = mergeSurvivor(contactId, {
          conversationOwners: conversationOwners.filter((id) => alive.includes(id)),
          samePersonContacts: samePersonContacts.filter((id) => alive.includes(id)),
        });
        return { survivor, policy };
      });
    },
  };
}
