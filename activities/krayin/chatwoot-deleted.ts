/**
 * ON_CHATWOOT_DELETE's Krayin write for a contact Chatwoot deleted (answers 404 for, and that was not
 * merged into another contact: the workflow checked that first). The policy is read from the live
 * connection config, so a changed setting applies at the next deleted contact.
 *
 *   keep: nothing. tag: the person (and its linked lead) get the `chatwoot-deleted` tag.
 *   delete_person: the person is deleted, unless a lead refers to it (then it is tagged: see gone.ts).
 *
 * Only a person that is still ours is touched: the contact's data is gone from Chatwoot, so "ours" rests
 * on the hashes of what we last wrote to that person (the link verification's rule, src/sync/ownership.ts).
 * Safe to retry: a deleted person reads back as missing (nothing to do), a tag is attached once.
 */
import type { KrayinApi } from '../../src/krayin/api';
import { CHATWOOT_DELETED_TAG, deleteAction, type DeleteAction } from '../../src/reconcile/gone';
import { identityHashSalt, personIsOurs } from '../../src/sync/ownership';
import type { ContactRef } from '../contracts';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';

export interface ChatwootDeletedResult {
  policy: 'keep' | 'tag' | 'delete_person';
  action: DeleteAction['kind'];
  /** Why nothing was written, or why a delete became a tag. */
  why?: string;
  personId: number | null;
  leadId: number | null;
}

export function chatwootDeletedActivities(deps: KrayinActivityDeps) {
  const { store, connections } = deps;
  return {
    async applyChatwootDeletePolicy({ connectionId, contactId }: ContactRef): Promise<ChatwootDeletedResult> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const policy = conn.config.sync.reconcile.onChatwootDelete;
        const link = await store.links.getContact(connectionId, contactId);
        const base = { policy, personId: link?.personId ?? null, leadId: link?.leadId ?? null };
        if (policy === 'keep' || !link?.personId) {
          return { ...base, action: 'none', why: policy === 'keep' ? 'keep' : 'not_linked' };
        }

        const person = await conn.krayin.getPerson(link.personId);
        const written = await store.writtenIdentities.get(connectionId, contactId);
        const ours =
          person !== null &&
          personIsOurs(person, {
            emails: [],
            phones: [],
            writtenHashes: written?.personId === link.personId ? written.hashes : [],
            salt: identityHashSalt(connectionId, contactId),
          });
        // Leads that refer to the person: a delete would be refused (and its activities lost); the linked
        // lead is tagged only when it is one of them (a stale lead id names someone else's deal).
        const leads = ours ? await conn.krayin.findLeadsByPerson(link.personId) : [];
        const action = deleteAction(policy, link, { exists: person !== null, ours, leadCount: leads.length });
        const audit = (action: string, detail: Record<string, unknown>) =>
          store.audit.append({ connectionId, contactId, action, detail });

        switch (action.kind) {
          case 'none':
            await audit('chatwoot_deleted.untouched', { policy, why: action.why, personId: link.personId });
            return { ...base, action: 'none', why: action.why };
          case 'tag': {
            const tagId = await ensureTag(conn.krayin, CHATWOOT_DELETED_TAG);
            await conn.krayin.attachTag({ type: 'person', id: action.personId }, tagId);
            const leadId = action.leadId !== null && leads.some((l) => l.id === action.leadId) ? action.leadId : null;
            if (leadId !== null) await conn.krayin.attachTag({ type: 'lead', id: leadId }, tagId);
            await audit('chatwoot_deleted.tagged', {
              policy,
              personId: action.personId,
              leadId,
              tagId,
              ...(action.instead ? { instead: action.instead } : {}),
            });
            return { ...base, action: 'tag', leadId, ...(action.instead ? { why: action.instead } : {}) };
          }
          case 'delete_person': {
            await conn.krayin.deletePerson(action.personId);
            // The person and its activities are gone in Krayin: forget what pointed at them.
            await store.links.upsertContact(connectionId, contactId, { personId: null, leadId: null });
            for (const c of await store.conversations.listByContact(connectionId, contactId)) {
              await store.conversations.upsert(connectionId, c.conversationId, { activityId: null, personId: null });
            }
            await audit('chatwoot_deleted.person_deleted', { policy, personId: action.personId });
            return { ...base, action: 'delete_person' };
          }
        }
      });
    },
  };
}

/** The id of the tag with exactly this name, created when Krayin has none (tag names are unique). */
async function ensureTag(krayin: KrayinApi, name: string): Promise<number> {
  const find = async () => (await krayin.findTagsByName(name))[0]?.id ?? null;
  const existing = await find();
  if (existing !== null) return existing;
  try {
    return (await krayin.createTag(name)).id;
  } catch (err) {
    // A concurrent create won ("The name has already been taken."): read it back.
    const again = await find();
    if (again === null) throw err;
    return again;
  }
}
