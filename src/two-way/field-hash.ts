/**
 * Salted one-way hashes of field values: the store compares values through these and never holds the
 * values (src/store/README.md, "No PII"). Salted per contact like the identity hashes of
 * src/sync/ownership.ts, so equal values of two contacts hash differently. node:crypto: activities only.
 */
import { createHash } from 'node:crypto';
import { identityHashSalt } from '../sync/ownership';
import type { ComparedField, FieldValues } from './field-values';

export function fieldHash(connectionId: string, contactId: number, field: ComparedField, value: string | null): string {
  const salt = identityHashSalt(connectionId, contactId);
  // "\u0001" marks "no value", which no text value can collide with.
  return createHash('sha256')
    .update(`${salt}\u0000two-way\u0000${field}\u0000${value ?? '\u0001'}`)
    .digest('hex');
}

export function fieldHashes(
  connectionId: string,
  contactId: number,
  values: FieldValues,
): Record<ComparedField, string> {
  return {
    name: fieldHash(connectionId, contactId, 'name', values.name),
    email: fieldHash(connectionId, contactId, 'email', values.email),
    phone: fieldHash(connectionId, contactId, 'phone', values.phone),
    job_title: fieldHash(connectionId, contactId, 'job_title', values.job_title),
  };
}
