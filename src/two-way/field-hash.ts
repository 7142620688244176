/**
 * Salted one-way hashes of field values: the store compares values through these and never holds the
 * values (src/store/README.md, "No PII"). Salted per contact like the identity hashes of
 * src/sync/ownership.ts, so equal values of two contacts hash differently. node:crypto: activities only.
 */
import { createHash } from 'node:crypto';
import { organizationNameKey } from '../mapping/organization';
import { identityHashSalt } from '../sync/ownership';
import { COMPARED_FIELDS, type ComparedField, type FieldValues } from './field-values';

/**
 * The form a value is compared in. An organization is compared by its matching key (case, width and
 * spacing folded): the forward sync links "ACME gmbh" to Krayin's "Acme GmbH", so they are the same one.
 */
function comparable(field: ComparedField, value: string | null): string | null {
  return field === 'organization' && value !== null ? organizationNameKey(value) : value;
}

export function fieldHash(connectionId: string, contactId: number, field: ComparedField, value: string | null): string {
  const salt = identityHashSalt(connectionId, contactId);
  // "\u0001" marks "no value", which no text value can collide with.
  return createHash('sha256')
    .update(`${salt}\u0000two-way\u0000${field}\u0000${comparable(field, value) ?? '\u0001'}`)
    .digest('hex');
}

export function fieldHashes(
  connectionId: string,
  contactId: number,
  values: FieldValues,
): Record<ComparedField, string> {
  return Object.fromEntries(
    COMPARED_FIELDS.map((field) => [field, fieldHash(connectionId, contactId, field, values[field])]),
  ) as Record<ComparedField, string>;
}
