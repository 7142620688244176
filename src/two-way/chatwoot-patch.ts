/**
 * Krayin values -> the body of a Chatwoot contact update (PUT /contacts/{id}), the reverse of the field
 * map where it can be reversed: a field goes back to the first Chatwoot path it is read from
 * (src/mapping/field-map.ts). Chatwoot shallow-merges `custom_attributes` and `additional_attributes`
 * (src/chatwoot/README.md §5), so only the keys we send change. Pure.
 */
import type { SyncSettings } from '../config/schema';
import { effectiveFieldSources } from '../mapping/field-map';
import { toE164 } from '../mapping/phone';
import type { ComparedField } from './field-values';

export interface ChatwootContactPatch {
  name?: string;
  email?: string;
  phone_number?: string;
  custom_attributes?: Record<string, string>;
  additional_attributes?: Record<string, string>;
}

/** Why a value Krayin won cannot be written to Chatwoot (PII-free). */
export type Unwritable = 'cleared_in_krayin' | 'not_invertible' | 'phone_not_e164';

/** Where the forward mapping reads each field: field-map section and Krayin code. */
const SOURCE: Record<ComparedField, { section: 'person' | 'organization'; code: string }> = {
  name: { section: 'person', code: 'name' },
  email: { section: 'person', code: 'emails' },
  phone: { section: 'person', code: 'contact_numbers' },
  job_title: { section: 'person', code: 'job_title' },
  // The company: ORGANIZATION_SOURCE (default additional_attributes.company_name) or fieldMap.organization.name.
  organization: { section: 'organization', code: 'name' },
};

/** The Chatwoot path a field is written back to: the first of its sources. */
export function chatwootPathOf(
  sync: Pick<SyncSettings, 'organizationSource' | 'fieldMap'>,
  field: ComparedField,
): string | null {
  const { section, code } = SOURCE[field];
  return effectiveFieldSources(sync)[section][code]?.[0] ?? null;
}

/** Adds one field to `patch`; returns why not when it cannot be written. */
export function addToPatch(
  patch: ChatwootContactPatch,
  path: string | null,
  field: ComparedField,
  value: string | null,
): Unwritable | null {
  // A value Krayin cleared is left in Chatwoot: Chatwoot stores null instead of deleting, and a
  // contact without a name or email is worse than one with the old value.
  if (value === null) return 'cleared_in_krayin';
  if (path === null) return 'not_invertible';
  let text = value;
  if (field === 'phone' && path === 'phone_number') {
    const e164 = toE164(value);
    if (e164 === null) return 'phone_not_e164';
    text = e164;
  }
  // A company read from the contact's name, email or phone would overwrite the person's own field.
  if (field !== 'organization' && (path === 'name' || path === 'email' || path === 'phone_number')) {
    patch[path] = text;
    return null;
  }
  const dot = path.indexOf('.');
  const root = dot < 0 ? '' : path.slice(0, dot);
  const key = path.slice(dot + 1);
  if ((root === 'custom_attributes' || root === 'additional_attributes') && key !== '') {
    patch[root] = { ...patch[root], [key]: text };
    return null;
  }
  return 'not_invertible';
}

/** The contact as it reads after Chatwoot applied `patch` (scalars replaced, attribute hashes merged). */
export function applyPatch<
  C extends {
    name: string | null;
    email: string | null;
    phone_number: string | null;
    custom_attributes: Record<string, unknown>;
    additional_attributes: Record<string, unknown>;
  },
>(contact: C, patch: ChatwootContactPatch): C {
  return {
    ...contact,
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.email !== undefined ? { email: patch.email } : {}),
    ...(patch.phone_number !== undefined ? { phone_number: patch.phone_number } : {}),
    custom_attributes: { ...contact.custom_attributes, ...patch.custom_attributes },
    additional_attributes: { ...contact.additional_attributes, ...patch.additional_attributes },
  };
}
