/**
 * Find-or-create the Krayin person for a contact, and keep it up to date.
 *
 * Identity: our link first (verified: a person deleted in Krayin must be found or created again, and
 * a person that is no longer ours, e.g. after Krayin was restored from an older backup and handed its
 * id out again, must never be written to), then exact email, then normalised phone. A new person is
 * created inside the lead create when the lead policy wants a lead now (one Krayin call for both;
 * nested persons also need no contact_numbers placeholder). Every path looks before it creates, so a
 * retry after a crash or an ambiguous answer links what the first attempt created instead of
 * duplicating it.
 */
import type { KrayinApi, KrayinPerson } from '../../src/krayin/api';
import { KrayinAmbiguousError, KrayinValidationError } from '../../src/krayin/errors';
import type { ContactIdentity } from '../../src/mapping/types';
import { leadInputFor } from '../../src/sync/lead-input';
import {
  identityHashes,
  identityHashSalt,
  organizationIsOurs,
  personIsOurs,
  creationHashes,
  type PersonEvidence,
} from '../../src/sync/ownership';
import { personInputFor, personNeedsUpdate } from '../../src/sync/person-input';
import { effectiveOwnership } from '../../src/config/two-way';
import { parseKrayinTimestamp } from '../../src/krayin/datetime';
import type { DesiredPerson } from '../../src/mapping/types';
import { fieldHashes } from '../../src/two-way/field-hash';
import {
  comparedFields,
  desiredFieldValues,
  krayinFieldValues,
  withKrayinFields,
  type ComparedField,
  type TwoWayOrganization,
} from '../../src/two-way/field-values';
import { decidePersonFields } from '../../src/two-way/person-fields';
import type { TwoWayFieldUpdate } from '../../src/store/types';
import type { ConflictView } from '../../workflows/api';
import { recordConflicts } from '../two-way-records';
import type { SyncPersonInput, SyncPersonResult } from '../contracts';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';
import { newLeadTarget, resolveLead } from './lead';
import { recordRefusedCreate, refusedEarlier } from './refused-create';
import { reportLinkMismatch } from './link-mismatch';
import { ensureOrganization } from './organization';

/** The two-way decision of a forward person write: the fields Krayin won, and the conflicts Chatwoot won. */
interface TwoWayDecided {
  krayinWon: ComparedField[];
  conflicts: ConflictView[];
}

export function personActivities(deps: KrayinActivityDeps) {
  const { store, connections } = deps;
  return {
    async syncPerson(input: SyncPersonInput): Promise<SyncPersonResult> {
      const { connectionId, contactId } = input;
      return classified(async () => {
        const conn = connections.get(connectionId);
        const { krayin, lookups } = conn;
        const audit = (action: string, detail: Record<string, unknown>) =>
          store.audit.append({ connectionId, contactId, action, detail });

        const link = await store.links.getContact(connectionId, contactId);
        const ours = contactIdentities(input);
        const salt = identityHashSalt(connectionId, contactId);
        let existing: KrayinPerson | null = null;
        /** Which identity key found `existing` by search (absent when it is the stored link). */
        let foundBy: IdentityKey | undefined;
        // The stored person link was dropped (deleted in Krayin, or no longer ours): its lead is suspect too.
        let relinked = false;
        if (link?.personId) {
          const written = await store.writtenIdentities.get(connectionId, contactId);
          const linked = await krayin.getPerson(link.personId);
          const evidence: PersonEvidence = {
            ...ours,
            writtenHashes: written?.personId === link.personId ? written.hashes : [],
            salt,
          };
          if (linked && personIsOurs(linked, evidence)) existing = linked;
          else {
            if (linked) await reportLinkMismatch(deps, connectionId, contactId, 'person', { personId: link.personId });
            else await audit('person.relink', {});
            await store.links.upsertContact(connectionId, contactId, { personId: null });
            relinked = true;
          }
        }
        if (!existing) {
          const found = await findByIdentity(krayin, input.identity);
          existing = found?.person ?? null;
          foundBy = found?.by;
        }

        const ownerId = await lookups.ownerId(conn.config.sync.lead.owner);
        // Two-way sync: decided before the organization, so an organization Krayin won is kept as it is
        // (not looked up or created for the contact's company).
        const decidedFirst = existing && conn.config.twoWay.enabled ? await decideTwoWayFields(existing) : null;
        // The stored organization link, unless the person just read carries exactly that organization
        // (Krayin embeds it: a verification for free), is verified or synced before it is written.
        let organizationId = input.organizationId;
        if (existing && decidedFirst?.krayinWon.includes('organization')) {
          organizationId = existing.organization?.id ?? null;
        } else if (input.organization && organizationId !== null) {
          const embedded = existing?.organization;
          const verified = embedded?.id === organizationId && organizationIsOurs(embedded, input.organization.nameKey);
          if (!verified) organizationId = await ensureOrganization(deps, connectionId, contactId, input.organization);
        }
        const withOrganization = input.organization ? { organizationId } : {};
        if (existing) return updateExisting(existing, foundBy, decidedFirst);

        const personInput = personInputFor(input.person, null, organizationId, ownerId);
        const endpoint = input.lead ? 'POST /leads' : 'POST /contacts/persons';
        // An earlier attempt got a 422 for this create and then failed looking for what it collided
        // with: the 422 is final, never sent twice (refused-create.ts).
        const refused = refusedEarlier(endpoint);
        if (refused) throw refused;
        try {
          if (input.lead) {
            const { target, rule } = await newLeadTarget(deps, conn, connectionId, input.conversationIds ?? []);
            const lead = await krayin.createLead(leadInputFor(input.lead, target), personInput);
            const personId = lead.person?.id;
            if (personId === undefined)
              throw new KrayinAmbiguousError('POST /leads', 200, 'lead created without person');
            await store.links.upsertContact(connectionId, contactId, { personId, leadId: lead.id });
            await rememberWritten(lead.person ?? { id: personId });
            await audit('person.created', { personId, viaLead: lead.id });
            await audit('lead.created', { leadId: lead.id, personId, ...rule });
            const leadSeen = { created: true, stageId: lead.lead_pipeline_stage_id ?? target.stageId };
            return { personId, leadId: lead.id, created: true, leadSeen, ...withOrganization };
          }
          const person = await krayin.createPerson(personInput);
          await store.links.upsertContact(connectionId, contactId, { personId: person.id });
          await rememberWritten(person);
          await audit('person.created', { personId: person.id });
          return { personId: person.id, leadId: null, created: true, ...withOrganization };
        } catch (err) {
          // Ambiguous: the write may have happened. Unique violation: the person exists under that
          // email or phone (a concurrent create, or a case variant Krayin's search missed). Re-read.
          const exists = err instanceof KrayinValidationError && err.isUniqueViolation();
          if (!exists && !(err instanceof KrayinAmbiguousError)) throw err;
          if (exists) recordRefusedCreate(err);
          const again = await findByIdentity(krayin, input.identity);
          if (!again) throw err;
          return updateExisting(again.person, again.by);
        }

        async function updateExisting(
          person: KrayinPerson,
          by?: IdentityKey,
          decidedBefore?: TwoWayDecided | null,
        ): Promise<SyncPersonResult> {
          if (link?.personId !== person.id) {
            await store.links.upsertContact(connectionId, contactId, { personId: person.id });
            // `by` names the key (never its value): the backfill counts links by key.
            await audit('person.linked', { personId: person.id, ...(by ? { by } : {}) });
          }
          // Two-way sync: fields Krayin won are written as Krayin has them (not overwritten).
          const decided = conn.config.twoWay.enabled ? (decidedBefore ?? (await decideTwoWayFields(person))) : null;
          const krayinWon = decided?.krayinWon ?? [];
          const desired = withKrayinFields(input.person, person, krayinWon);
          // An organization Krayin won stays (null keeps the person's, or none: personInputFor).
          const writtenOrganizationId = krayinWon.includes('organization')
            ? (person.organization?.id ?? null)
            : organizationId;
          const update = personInputFor(desired, person, writtenOrganizationId, ownerId);
          if (personNeedsUpdate(person, update)) {
            await krayin.updatePerson(person.id, update);
            await audit('person.updated', { personId: person.id });
          }
          const organization = organizationAfterWrite(person, update.organization_id ?? null);
          await rememberWritten(person, desired, krayinWon, organization?.name ?? null);
          // What Chatwoot is behind on: the person as this write leaves it (not as it was read).
          const { name, emails, contact_numbers, job_title } = update;
          const conflicts = decided && decided.conflicts.length > 0 ? { conflicts: decided.conflicts } : {};
          const behind =
            krayinWon.length > 0
              ? {
                  chatwootBehind: {
                    personId: person.id,
                    person: { name, emails, contact_numbers, job_title: job_title ?? null, organization },
                    updatedAt: person.updated_at,
                  },
                }
              : {};
          const twoWayResult = { ...behind, ...conflicts };
          // A lead linked to the person we dropped is used only if it is this person's too.
          if (!(relinked && link?.leadId && input.lead))
            return { personId: person.id, leadId: null, created: false, ...withOrganization, ...twoWayResult };
          const lead = await resolveLead(deps, conn, input, person.id, input.lead, input.conversationIds);
          return {
            personId: person.id,
            leadId: lead.leadId,
            created: false,
            leadSeen: lead.seen,
            ...withOrganization,
            ...twoWayResult,
          };
        }

        /**
         * The compared fields where Krayin's value wins over the contact's (docs/two-way-sync.md): Krayin
         * changed it since both last agreed and its owner or the newer change says Krayin. Conflicts
         * Chatwoot wins are recorded here (this write applies them); those Krayin wins are recorded where
         * they reach Chatwoot (applyKrayinPerson).
         */
        async function decideTwoWayFields(person: KrayinPerson): Promise<TwoWayDecided> {
          const twoWay = conn.config.twoWay;
          const stored = await store.twoWay.getFields(connectionId, contactId);
          const chatwoot = desiredFieldValues(input.person, input.companyName ?? null);
          const krayinValues = krayinFieldValues(person);
          const chatwootChangedAt = input.chatwootChangedAt ? Date.parse(input.chatwootChangedAt) : Date.now();
          const krayinChangedAt = parseKrayinTimestamp(person.updated_at).getTime();
          const ownership = effectiveOwnership(twoWay);
          const outcomes = decidePersonFields({
            connectionId,
            contactId,
            chatwoot,
            chatwootChangedAt,
            krayin: krayinValues,
            krayinChangedAt,
            stored,
            ownership,
            tieGoesTo: twoWay.tieGoesTo,
            trigger: 'chatwoot',
            fields: comparedFields(conn.config.sync, input.companyName !== undefined),
          });
          const conflicts = await recordConflicts(
            store,
            {
              connectionId,
              contactId,
              outcomes,
              chatwoot,
              krayin: krayinValues,
              chatwootChangedAt,
              krayinChangedAt,
              ownership,
            },
            (o) => o.decision.action === 'write_krayin' && o.krayinHash !== stored[o.field]?.krayinSeenHash,
            new Date(),
          );
          const krayinWon = outcomes.filter((o) => o.decision.action === 'write_chatwoot').map((o) => o.field);
          return { krayinWon, conflicts };
        }

        /**
         * The person's organization as a write with `organizationId` leaves it: the one it had when the id
         * is unchanged (Krayin won it, or the contact's company is that organization), else the contact's
         * company, which `organizationId` was found or created for.
         */
        function organizationAfterWrite(person: KrayinPerson, writtenId: number | null): TwoWayOrganization | null {
          if (writtenId === null) return null;
          if (writtenId === (person.organization?.id ?? null)) {
            return { id: writtenId, name: person.organization?.name ?? null };
          }
          return { id: writtenId, name: input.companyName ?? null };
        }

        /**
         * Hashes of the identities this person now carries for us: they recognise it after an email change.
         * With two-way sync, also the hash of its creation time, which proves it even when sales changed
         * both its email and phone (src/sync/ownership.ts).
         * With two-way sync, also each compared field's value as written (the poll then sees our own write
         * as no change), except the fields Krayin won (`kept`), which Chatwoot has yet to take.
         * `organization`: the name of the organization the person is in after the write.
         */
        async function rememberWritten(
          person: { id: number; created_at?: string | null },
          written: DesiredPerson = input.person,
          kept: readonly ComparedField[] = [],
          organization: string | null = organizationId === null ? null : (input.companyName ?? null),
        ): Promise<void> {
          const keptIdentities = {
            emails: kept.includes('email') ? written.emails.map((e) => e.value) : [],
            phones: kept.includes('phone') ? written.contact_numbers.map((p) => p.value) : [],
          };
          const personId = person.id;
          await store.writtenIdentities.set(connectionId, contactId, personId, [
            ...identityHashes(
              salt,
              [...ours.emails, ...keptIdentities.emails],
              [...ours.phones, ...keptIdentities.phones],
            ),
            // Only with two-way sync, where sales changing a person's email and phone is a change to bring
            // over; without it, a person whose identities were all replaced is treated as another's.
            ...(conn.config.twoWay.enabled ? creationHashes(salt, person) : []),
          ]);
          if (!conn.config.twoWay.enabled) return;
          const hashes = fieldHashes(connectionId, contactId, desiredFieldValues(written, organization));
          const at = new Date();
          const updates: Record<string, TwoWayFieldUpdate> = {};
          for (const field of comparedFields(conn.config.sync, input.companyName !== undefined)) {
            if (kept.includes(field)) continue;
            updates[field] = { baseHash: hashes[field], krayinWrittenHash: hashes[field], krayinWrittenAt: at };
          }
          await store.twoWay.recordFields(connectionId, contactId, updates);
        }
      });
    },
  };
}

/** The contact's emails and phones as we write them (the matching ones first). */
function contactIdentities(input: SyncPersonInput): { emails: string[]; phones: string[] } {
  return {
    emails: [input.identity.email, ...input.person.emails.map((e) => e.value)],
    phones: [
      ...(input.identity.phone ? [input.identity.phone] : []),
      ...input.person.contact_numbers.map((p) => p.value),
    ],
  };
}

/** Exact email first; phone only when no email matched. Oldest match wins when Krayin has duplicates. */
type IdentityKey = 'email' | 'phone';

/** The oldest person with the contact's email, else with its phone, and which key found it. */
async function findByIdentity(
  krayin: KrayinApi,
  identity: ContactIdentity,
): Promise<{ person: KrayinPerson; by: IdentityKey } | null> {
  // One search for both where Krayin allows it (a new contact with a phone used to cost two).
  const { byEmail, byPhone } = await krayin.findPersonsByIdentity(identity.email, identity.phone ?? null);
  const byEmailPerson = oldest(byEmail);
  if (byEmailPerson) return { person: byEmailPerson, by: 'email' };
  const byPhonePerson = oldest(byPhone);
  return byPhonePerson ? { person: byPhonePerson, by: 'phone' } : null;
}

function oldest(people: KrayinPerson[]): KrayinPerson | null {
  return [...people].sort((a, b) => a.id - b.id)[0] ?? null;
}
