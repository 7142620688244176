/**
 * Is the Krayin record behind a stored link still ours? Pure checks, one per record type.
 *
 * A stored id is only a number: after Krayin is restored from an older backup, reinstalled, or a sales
 * user re-uses a record, the same id can name another customer's record. Writing through it would mix
 * two customers (the bug of issue 8). So every write through a stored id first checks that the record
 * still carries something that makes it ours:
 *
 * - person: one of its emails (case-insensitive) or phones (digits compared) is one of the contact's
 *   current identities, or one we wrote to that person last time. We keep only salted one-way hashes of
 *   what we wrote (the store holds no contact data), so a contact whose email changed in Chatwoot
 *   still recognises its person. Krayin person custom attributes are write-only (src/krayin/README.md §11), so
 *   no marker can be kept on the person itself. What Krayin does keep unchanged is the person's
 *   `created_at`: the (id, created_at) pair is the person's birth certificate. A person restored away
 *   and re-created under the same id has another creation time, while a person whose email AND phone
 *   sales changed in Krayin keeps its own; so, with two-way sync on (where sales editing a person's
 *   identities is a change to bring over, not a record re-used for someone else), a salted hash of the
 *   creation time we saw joins the written hashes and proves the person on its own (the two-identities
 *   race of docs/two-way-sync.md).
 * - organization: its name has the link's name key (the key the link was made from).
 * - lead: its person is the contact's (verified) person.
 * - conversation activity: its `additional` carries this connection's marker for the conversation.
 */
import { createHash } from 'node:crypto';
import { isConversationMarker } from '../conversations/marker';
import type { KrayinActivity, KrayinLead, KrayinOrganization, KrayinPerson } from '../krayin/api';
import { organizationNameKey } from '../mapping/organization';

export type RecordType = 'person' | 'organization' | 'lead' | 'activity';

/** What proves a person is the contact's: its identities now, and hashes of those we last wrote. */
export interface PersonEvidence {
  /** The contact's emails now (any case). */
  emails: readonly string[];
  /** The contact's phones now (any format: compared by digits). */
  phones: readonly string[];
  /** identityHashes() of what we last wrote to this person (empty when unknown, e.g. links made before). */
  writtenHashes: readonly string[];
  /** Salt of those hashes: identityHashSalt(connection, contact). */
  salt: string;
}

function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

function phoneKey(phone: string): string {
  return phone.replace(/\D/g, '');
}

/** Per contact, so equal emails of two contacts hash differently and hashes cannot be joined across rows. */
export function identityHashSalt(connectionId: string, contactId: number): string {
  return `${connectionId}\u0000${contactId}`;
}

function hashOf(salt: string, kind: 'email' | 'phone' | 'created', key: string): string {
  return createHash('sha256').update(`${salt}\u0000${kind}\u0000${key}`).digest('hex');
}

/** Salted SHA-256 of each non-blank email and phone (normalised), sorted and de-duplicated. */
export function identityHashes(salt: string, emails: readonly string[], phones: readonly string[]): string[] {
  const hashes = new Set<string>();
  for (const e of emails.map(emailKey)) if (e !== '') hashes.add(hashOf(salt, 'email', e));
  for (const p of phones.map(phoneKey)) if (p !== '') hashes.add(hashOf(salt, 'phone', p));
  return [...hashes].sort();
}

/**
 * The salted hash of a person's creation time as Krayin answers it (compared as text: a Krayin whose
 * timezone setting changed formats it differently, which only drops this proof, never forges one).
 * Empty when Krayin gave none.
 */
export function creationHashes(salt: string, person: { created_at?: string | null }): string[] {
  const at = person.created_at?.trim() ?? '';
  return at === '' ? [] : [hashOf(salt, 'created', at)];
}

export function personIsOurs(
  person: Pick<KrayinPerson, 'emails' | 'contact_numbers'> & { created_at?: string | null },
  evidence: PersonEvidence,
): boolean {
  const emails = (person.emails ?? []).map((e) => emailKey(e.value)).filter((e) => e !== '');
  const phones = (person.contact_numbers ?? []).map((p) => phoneKey(p.value)).filter((p) => p !== '');
  const currentEmails = new Set(evidence.emails.map(emailKey).filter((e) => e !== ''));
  const currentPhones = new Set(evidence.phones.map(phoneKey).filter((p) => p !== ''));
  if (emails.some((e) => currentEmails.has(e)) || phones.some((p) => currentPhones.has(p))) return true;
  const written = new Set(evidence.writtenHashes);
  if (written.size === 0) return false;
  if (creationHashes(evidence.salt, person).some((h) => written.has(h))) return true;
  return (
    emails.some((e) => written.has(hashOf(evidence.salt, 'email', e))) ||
    phones.some((p) => written.has(hashOf(evidence.salt, 'phone', p)))
  );
}

export function organizationIsOurs(organization: Pick<KrayinOrganization, 'name'>, nameKey: string): boolean {
  return organization.name !== null && organizationNameKey(organization.name) === nameKey;
}

export function leadIsOurs(lead: Pick<KrayinLead, 'person'>, personId: number): boolean {
  return lead.person?.id === personId;
}

export function activityIsOurs(
  activity: Pick<KrayinActivity, 'additional'>,
  conversationId: number,
  accountId: number,
): boolean {
  return isConversationMarker(activity.additional, conversationId, accountId);
}
