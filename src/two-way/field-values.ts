/**
 * The compared fields of a person, on both sides, in one normalised form: Krayin's person as it is,
 * and the Chatwoot contact as the forward mapping turns it into a Krayin person (src/mapping/contact.ts),
 * so "the same value" means what the sync would write, whatever the contact's raw spelling. Pure.
 */
import type { TwoWayField } from '../config/two-way';
import type { KrayinPerson } from '../krayin/api';
import { normalizePhone } from '../mapping/phone';
import { singleLine, truncateChars } from '../mapping/text';
import type { DesiredPerson } from '../mapping/types';

/** The fields this slice compares and writes back (organization is not compared yet). */
export const COMPARED_FIELDS = ['name', 'email', 'phone', 'job_title'] as const satisfies readonly TwoWayField[];
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** null: the side has no value for the field. */
export type FieldValues = Record<ComparedField, string | null>;

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
export function krayinFieldValues(
  person: Pick<KrayinPerson, 'name' | 'emails' | 'contact_numbers' | 'job_title'>,
): FieldValues {
  return {
    name: line(person.name),
    email: email((person.emails ?? []).find((e) => email(e.value) !== null)?.value),
    phone: phone((person.contact_numbers ?? []).find((p) => phone(p.value) !== null)?.value),
    job_title: line(person.job_title),
  };
}

/** Chatwoot's side, through the forward mapping (which already normalised and truncated it). */
export function desiredFieldValues(person: DesiredPerson): FieldValues {
  return {
    name: line(person.name),
    email: email(person.emails[0]?.value),
    phone: phone(person.contact_numbers[0]?.value),
    job_title: line(person.job_title),
  };
}

/**
 * `desired` with the given fields taken from Krayin's person instead (fields Krayin won), so a forward
 * write keeps them as Krayin has them.
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
    }
  }
  return out;
}
