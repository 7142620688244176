/**
 * The compared fields of a person, on both sides, in one normalised form: Krayin's person as it is,
 * and the Chatwoot contact as the forward mapping turns it into a Krayin person (src/mapping/contact.ts),
 * so "the same value" means what the sync would write, whatever the contact's raw spelling. Pure.
 */
import type { SyncSettings } from '../config/schema';
import type { TwoWayField } from '../config/two-way';
import type { KrayinPerson } from '../krayin/api';
import { cleanOrganizationName } from '../mapping/organization';
import { normalizePhone } from '../mapping/phone';
import { singleLine, truncateChars } from '../mapping/text';
import type { DesiredPerson } from '../mapping/types';

/**
 * The fields the two-way sync compares and writes back. Krayin's custom attributes are not among them:
 * Krayin's API never returns their values (src/krayin/README.md §11), so there is no Krayin side to compare.
 */
export const COMPARED_FIELDS = [
  'name',
  'email',
  'phone',
  'job_title',
  'organization',
] as const satisfies readonly TwoWayField[];
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** null: the side has no value for the field. */
export type FieldValues = Record<ComparedField, string | null>;

/**
 * The person's organization as the two-way sync reads it: null when the person has none; absent in
 * inputs recorded before the organization was compared (then it is not compared).
 */
export interface TwoWayOrganization {
  id: number;
  name: string | null;
}

/** What the Krayin side of the comparison needs of a person. */
export type KrayinFieldsSource = Pick<KrayinPerson, 'name' | 'emails' | 'contact_numbers' | 'job_title'> & {
  organization?: TwoWayOrganization | null;
};

/**
 * The fields compared for a connection: the organization only while organizations are synced (the
 * forward sync links none otherwise, so there is nothing to agree on) and while both sides are known.
 */
export function comparedFields(
  sync: Pick<SyncSettings, 'syncOrganizations'>,
  organizationKnown = true,
): ComparedField[] {
  return COMPARED_FIELDS.filter((f) => f !== 'organization' || (sync.syncOrganizations && organizationKnown));
}

function line(value: string | null | undefined): string | null {
  const text = value == null ? '' : truncateChars(singleLine(value));
  return text === '' ? null : text;
}

function email(value: string | null | undefined): string | null {
  const text = value?.trim().toLowerCase() ?? '';
  return text === '' ? null : text;
}

function phone(value: string | null | undefined): string | null {
  return normalizePhone(value ?? null);
}

/** Krayin's side: the first email and phone are the ones a contact has room for. */
export function krayinFieldValues(person: KrayinFieldsSource): FieldValues {
  return {
    name: line(person.name),
    email: email((person.emails ?? []).find((e) => email(e.value) !== null)?.value),
    phone: phone((person.contact_numbers ?? []).find((p) => phone(p.value) !== null)?.value),
    job_title: line(person.job_title),
    organization: cleanOrganizationName(person.organization?.name ?? null),
  };
}

/**
 * Chatwoot's side, through the forward mapping (which already normalised and truncated it). `company`
 * is the mapped organization's name (null: the contact has no company).
 */
export function desiredFieldValues(person: DesiredPerson, company: string | null): FieldValues {
  return {
    name: line(person.name),
    email: email(person.emails[0]?.value),
    phone: phone(person.contact_numbers[0]?.value),
    job_title: line(person.job_title),
    organization: cleanOrganizationName(company),
  };
}

/**
 * `desired` with the given fields taken from Krayin's person instead (fields Krayin won), so a forward
 * write keeps them as Krayin has them. The organization is not part of the person's desired state: the
 * person write keeps Krayin's organization id instead (activities/krayin/person.ts).
 */
export function withKrayinFields(
  desired: DesiredPerson,
  krayin: Pick<KrayinPerson, 'name' | 'emails' | 'contact_numbers' | 'job_title'>,
  fields: readonly ComparedField[],
): DesiredPerson {
  const out: DesiredPerson = { ...desired };
  for (const field of fields) {
    switch (field) {
      case 'name':
        out.name = krayin.name ?? desired.name;
        break;
      case 'email':
        if ((krayin.emails ?? []).length > 0) out.emails = [...(krayin.emails ?? [])];
        break;
      case 'phone':
        out.contact_numbers = [...(krayin.contact_numbers ?? [])];
        break;
      case 'job_title':
        out.job_title = krayin.job_title;
        break;
      case 'organization':
        break;
    }
  }
  return out;
}
