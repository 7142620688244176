/**
 * Persons created in Krayin that no Chatwoot contact links to (KRAYIN_NEW_PERSONS=create,
 * docs/two-way-sync.md "Persons created in Krayin"): what the poll does with one. Pure.
 *
 * - A person younger than NEW_PERSON_SETTLE_MS is looked at again later: the forward sync may have just
 *   created it for a contact and be storing the link right now.
 * - A person with no real email and no E.164 phone is left alone: Chatwoot could not tell its contact
 *   from a new one on a retry (its lists and filters only see contacts with an email, phone or
 *   identifier), and the forward sync's placeholder emails (<digits>@PLACEHOLDER_EMAIL_DOMAIN) are ours.
 * - Otherwise the contact is found by the person's emails and phones first, and only created when none
 *   has them: a retry after a crash, or a person the forward sync created a moment ago, finds the
 *   contact instead of making a second one.
 */
import type { SyncSettings } from '../config/schema';
import type { NewChatwootContact } from '../chatwoot/api-client';
import type { KrayinPerson } from '../krayin/api';
import { parseKrayinTimestamp } from '../krayin/datetime';
import { toE164 } from '../mapping/phone';
import { addToPatch, chatwootPathOf, type ChatwootContactPatch } from './chatwoot-patch';
import { comparedFields, krayinFieldValues, type ComparedField, type FieldValues } from './field-values';

export const NEW_PERSON_SETTLE_MS = 60_000;
/** Contacts found or created per poll at most (each costs a few Chatwoot calls); the rest wait for the next poll. */
export const NEW_PERSONS_PER_POLL = 25;

export type NewPersonPlan =
  | { kind: 'wait' }
  | { kind: 'skip'; reason: 'no_identity' }
  | {
      kind: 'adopt';
      /** Searched in this order: the person's real emails (lower-cased), then its E.164 phones. */
      emails: string[];
      phones: string[];
      /** The contact to create when none is found, written through the reverse field map. */
      contact: NewChatwootContact & Pick<ChatwootContactPatch, 'custom_attributes' | 'additional_attributes'>;
      /** The compared fields the created contact carries as Krayin has them (their agreed value from then on). */
      fields: ComparedField[];
      /** Krayin's values of the compared fields (first real email, first E.164 phone), normalised. */
      values: FieldValues;
    };

type PersonFields = Pick<
  KrayinPerson,
  'name' | 'emails' | 'contact_numbers' | 'job_title' | 'organization' | 'created_at'
>;

export function planNewPerson(
  person: PersonFields,
  sync: Pick<SyncSettings, 'organizationSource' | 'fieldMap' | 'placeholderEmailDomain' | 'syncOrganizations'>,
  now: Date,
): NewPersonPlan {
  const created = parseKrayinTimestamp(person.created_at).getTime();
  // A created_at far in the future (a wrong clock) must not hold the watermark forever.
  const age = now.getTime() - created;
  if (age < NEW_PERSON_SETTLE_MS && age > -NEW_PERSON_SETTLE_MS) return { kind: 'wait' };
  const placeholder = `@${sync.placeholderEmailDomain}`;
  const emails = [
    ...new Set(
      (person.emails ?? [])
        .map((e) => e.value.trim().toLowerCase())
        .filter((e) => e.includes('@') && !e.endsWith(placeholder)),
    ),
  ];
  const phones = [
    ...new Set((person.contact_numbers ?? []).map((p) => toE164(p.value)).filter((p): p is string => p !== null)),
  ];
  if (emails.length === 0 && phones.length === 0) return { kind: 'skip', reason: 'no_identity' };

  // The first real email and phone only: a Chatwoot contact has room for one of each.
  const values = krayinFieldValues({
    ...person,
    emails: emails.slice(0, 1).map((value) => ({ value, label: 'work' })),
    contact_numbers: phones.slice(0, 1).map((value) => ({ value, label: 'work' })),
  });
  const patch: ChatwootContactPatch = {};
  const fields: ComparedField[] = [];
  // The company too (when organizations are synced), where the forward sync reads it: else that sync
  // would take the person out of it.
  for (const field of comparedFields(sync)) {
    if (addToPatch(patch, chatwootPathOf(sync, field), field, values[field]) === null) fields.push(field);
  }
  const name = patch.name ?? emails[0]?.split('@')[0] ?? phones[0]!;
  return { kind: 'adopt', emails, phones, contact: { ...patch, name }, fields, values };
}
