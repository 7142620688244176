/**
 * Main queue, two-way sync with KRAYIN_NEW_PERSONS=create (docs/two-way-sync.md "Persons created in
 * Krayin"): for each person the poll found that no contact links to, find the Chatwoot contact that has
 * its email or phone, else create one, then link it to the person. Finding comes first so a retry after a
 * crash, or a person the forward sync created a moment ago for a contact, never makes a second contact.
 *
 * A created contact carries the person's compared fields as Krayin has them, recorded as agreed (so its
 * contact_created webhook and the next poll write nothing back); a found one is handed to its workflow,
 * which compares the fields under their owners.
 */
import { ChatwootValidationError } from '../../src/chatwoot/errors';
import type { ChatwootApiContact } from '../../src/chatwoot/api-schemas';
import type { TwoWayFieldUpdate } from '../../src/store/types';
import { creationHashes, identityHashes, identityHashSalt } from '../../src/sync/ownership';
import { fieldHashes } from '../../src/two-way/field-hash';
import type { ChatwootActivityDeps } from '../deps';
import { classified } from '../failures';
import type {
  AdoptKrayinPersonsInput,
  AdoptKrayinPersonsResult,
  NewPersonCandidate,
} from '../two-way-person-contracts';

type LeftReason = 'several_contacts' | 'contact_linked_to_another_person' | 'chatwoot_refused';

export function newPersonActivities({ store, connections, now: clock }: ChatwootActivityDeps) {
  const now = () => clock?.() ?? new Date();
  return {
    async adoptKrayinPersons({ connectionId, persons }: AdoptKrayinPersonsInput): Promise<AdoptKrayinPersonsResult> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const result: AdoptKrayinPersonsResult = { created: 0, linked: 0, left: 0, changes: [] };
        for (const candidate of persons) {
          const { personId } = candidate;
          // Linked meanwhile (the forward sync, or an earlier try of this activity): nothing to do.
          if ((await store.links.findContactsByPerson(connectionId, personId)).length > 0) continue;
          const found = await findContacts(candidate);
          if (found.length > 1) {
            await leave(personId, 'several_contacts');
            continue;
          }
          if (found.length === 1) {
            const contactId = found[0]!.id;
            const link = await store.links.getContact(connectionId, contactId);
            if (link?.personId && link.personId !== personId) {
              await leave(personId, 'contact_linked_to_another_person');
              continue;
            }
            await linkContact(contactId, candidate, 'two_way.new_person_linked');
            result.linked++;
            result.changes.push({ contactId, change: { personId, updatedAt: candidate.updatedAt } });
            continue;
          }
          let contact: ChatwootApiContact;
          try {
            contact = await conn.chatwoot.createContact(candidate.plan.contact);
          } catch (err) {
            // The email or phone belongs to a contact the filter does not list: never guess which.
            if (!(err instanceof ChatwootValidationError)) throw err;
            await leave(personId, 'chatwoot_refused');
            continue;
          }
          await linkContact(contact.id, candidate, 'two_way.new_person_created');
          await recordAgreedFields(contact.id, candidate);
          result.created++;
        }
        return result;

        async function findContacts({ plan }: NewPersonCandidate): Promise<ChatwootApiContact[]> {
          const byId = new Map<number, ChatwootApiContact>();
          for (const email of plan.emails)
            for (const c of await conn.chatwoot.findContactsBy('email', email)) byId.set(c.id, c);
          for (const phone of plan.phones)
            for (const c of await conn.chatwoot.findContactsBy('phone_number', phone)) byId.set(c.id, c);
          return [...byId.values()];
        }

        async function linkContact(contactId: number, candidate: NewPersonCandidate, action: string) {
          const { personId, plan } = candidate;
          await store.links.upsertContact(connectionId, contactId, { personId });
          // The person's email and phone, and its creation time, prove it is this contact's (src/sync/ownership.ts).
          const salt = identityHashSalt(connectionId, contactId);
          await store.writtenIdentities.set(connectionId, contactId, personId, [
            ...identityHashes(salt, plan.emails, plan.phones),
            ...creationHashes(salt, { created_at: candidate.createdAt ?? null }),
          ]);
          await store.audit.append({ connectionId, contactId, action, detail: { personId } });
        }

        async function recordAgreedFields(contactId: number, { plan }: NewPersonCandidate) {
          const at = now();
          const hashes = fieldHashes(connectionId, contactId, plan.values);
          const updates: Record<string, TwoWayFieldUpdate> = {};
          for (const field of plan.fields) {
            updates[field] = {
              baseHash: hashes[field],
              chatwootWrittenHash: hashes[field],
              chatwootWrittenAt: at,
              krayinSeenHash: hashes[field],
              krayinSeenAt: at,
            };
          }
          await store.twoWay.recordFields(connectionId, contactId, updates);
        }

        async function leave(personId: number, reason: LeftReason) {
          result.left++;
          await store.audit.append({
            connectionId,
            contactId: null,
            action: 'two_way.new_person_left',
            detail: { personId, reason },
          });
        }
      });
    },
  };
}
