/**
 * Find-or-create the Krayin person for a contact, and keep it up to date.
 *
 * Identity: our link first (verified, since a person deleted in Krayin must be found or created
 * again), then exact email, then normalised phone. A new person is created inside the lead create
 * when the lead policy wants a lead now (one Krayin call for both; nested persons also need no
 * contact_numbers placeholder). Every path looks before it creates, so a retry after a crash or an
 * ambiguous answer links what the first attempt created instead of duplicating it.
 */
import type { KrayinApi, KrayinPerson } from '../src/krayin/api';
import { KrayinAmbiguousError, KrayinValidationError } from '../src/krayin/errors';
import type { ContactIdentity } from '../src/mapping/types';
import { leadInputFor } from '../src/sync/lead-input';
import { personInputFor, personNeedsUpdate } from '../src/sync/person-input';
import type { SyncPersonInput, SyncPersonResult } from './contracts';
import type { ActivityDeps } from './deps';
import { classified } from './failures';

export function personActivities({ store, connections }: ActivityDeps) {
  return {
    async syncPerson(input: SyncPersonInput): Promise<SyncPersonResult> {
      const { connectionId, contactId } = input;
      return classified(async () => {
        const conn = connections.get(connectionId);
        const { krayin, lookups } = conn;
        const audit = (action: string, detail: Record<string, unknown>) =>
          store.audit.append({ connectionId, contactId, action, detail });

        let existing = await linkedPerson(krayin, await store.links.getContact(connectionId, contactId));
        if (existing === 'gone') {
          await store.links.upsertContact(connectionId, contactId, { personId: null });
          await audit('person.relink', {});
          existing = null;
        }
        existing ??= await findByIdentity(krayin, input.identity);

        const ownerId = await lookups.ownerId(conn.config.sync.lead.owner);
        if (existing) return updateExisting(existing);

        const personInput = personInputFor(input.person, null, input.organizationId, ownerId);
        try {
          if (input.lead) {
            const target = await lookups.leadTarget(conn.config.sync.lead);
            const lead = await krayin.createLead(leadInputFor(input.lead, target), personInput);
            const personId = lead.person?.id;
            if (personId === undefined)
              throw new KrayinAmbiguousError('POST /leads', 200, 'lead created without person');
            await store.links.upsertContact(connectionId, contactId, { personId, leadId: lead.id });
            await audit('person.created', { personId, viaLead: lead.id });
            await audit('lead.created', { leadId: lead.id, personId });
            return { personId, leadId: lead.id, created: true };
          }
          const person = await krayin.createPerson(personInput);
          await store.links.upsertContact(connectionId, contactId, { personId: person.id });
          await audit('person.created', { personId: person.id });
          return { personId: person.id, leadId: null, created: true };
        } catch (err) {
          // Ambiguous: the write may have happened. Unique violation: the person exists under that
          // email or phone (a concurrent create, or a case variant Krayin's search missed). Re-read.
          const exists = err instanceof KrayinValidationError && err.isUniqueViolation();
          if (!exists && !(err instanceof KrayinAmbiguousError)) throw err;
          const again = await findByIdentity(krayin, input.identity);
          if (!again) throw err;
          return updateExisting(again);
        }

        async function updateExisting(person: KrayinPerson): Promise<SyncPersonResult> {
          const link = await store.links.getContact(connectionId, contactId);
          if (link?.personId !== person.id) {
            await store.links.upsertContact(connectionId, contactId, { personId: person.id });
            await audit('person.linked', { personId: person.id });
          }
          const update = personInputFor(input.person, person, input.organizationId, ownerId);
          if (personNeedsUpdate(person, update)) {
            await krayin.updatePerson(person.id, update);
            await audit('person.updated', { personId: person.id });
          }
          return { personId: person.id, leadId: null, created: false };
        }
      });
    },
  };
}

async function linkedPerson(
  krayin: KrayinApi,
  link: { personId: number | null } | null,
): Promise<KrayinPerson | null | 'gone'> {
  if (!link?.personId) return null;
  return (await krayin.getPerson(link.personId)) ?? 'gone';
}

/** Exact email first; phone only when no email matched. Oldest match wins when Krayin has duplicates. */
async function findByIdentity(krayin: KrayinApi, identity: ContactIdentity): Promise<KrayinPerson | null> {
  const byEmail = await krayin.findPersonsByEmail(identity.email);
  if (byEmail.length > 0) return oldest(byEmail);
  if (!identity.phone) return null;
  return oldest(await krayin.findPersonsByPhone(identity.phone));
}

function oldest(people: KrayinPerson[]): KrayinPerson | null {
  return [...people].sort((a, b) => a.id - b.id)[0] ?? null;
}
