/**
 * What to write to a Krayin person, given what we want and what Krayin already holds.
 * Pure. Krayin PUTs wipe the sales owner when `user_id` is omitted and need `contact_numbers`, so the
 * input is always complete; values the sales team added in Krayin (extra emails and phones, the
 * owner they assigned) are kept.
 */
import type { EmailValue, KrayinPerson, PersonInput, PhoneValue } from '../krayin/api';
import type { DesiredPerson } from '../mapping/types';

export function personInputFor(
  desired: DesiredPerson,
  existing: KrayinPerson | null,
  organizationId: number | null,
  ownerId: number | null,
): PersonInput {
  return {
    name: desired.name,
    emails: union(desired.emails, existing?.emails ?? [], (e) => e.value.trim().toLowerCase()),
    contact_numbers: union(desired.contact_numbers, existing?.contact_numbers ?? [], phoneKey),
    job_title: desired.job_title ?? existing?.job_title ?? null,
    organization_id: organizationId ?? existing?.organization?.id ?? null,
    user_id: existing?.sales_owner?.id ?? ownerId,
    attributes: desired.attributes,
  };
}

/** Whether a PUT would change anything Krayin shows (custom attributes cannot be read back, so any counts). */
export function personNeedsUpdate(existing: KrayinPerson, input: PersonInput): boolean {
  if (Object.keys(input.attributes ?? {}).length > 0) return true;
  return (
    (existing.name ?? '') !== input.name ||
    (existing.job_title ?? null) !== (input.job_title ?? null) ||
    (existing.organization?.id ?? null) !== (input.organization_id ?? null) ||
    (existing.sales_owner?.id ?? null) !== (input.user_id ?? null) ||
    !sameValues(existing.emails ?? [], input.emails, (e) => e.value.trim().toLowerCase()) ||
    !sameValues(existing.contact_numbers ?? [], input.contact_numbers, phoneKey)
  );
}

function phoneKey(p: PhoneValue): string {
  return p.value.replace(/\D/g, '');
}

/** Ours first (the first email is the matching one), then theirs that are not duplicates; blanks dropped. */
function union<T extends EmailValue>(ours: T[], theirs: T[], key: (v: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const v of [...ours, ...theirs]) {
    const k = key(v);
    if (k === '' || seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

function sameValues<T>(a: T[], b: T[], key: (v: T) => string): boolean {
  const ka = a.map(key).filter((k) => k !== '');
  const kb = b.map(key).filter((k) => k !== '');
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}
