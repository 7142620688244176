/**
 * Before a conversation writes to Krayin through a stored id (the lead its activity goes to, else the
 * person; the lead a stage rule moves or whose owner follows the assignee), check the record is still
 * the contact's (src/sync/ownership.ts). A record Krayin deleted, or one that now belongs to someone
 * else (Krayin restored from an older backup), is never written to: the link is forgotten, and the
 * workflow syncs the contact again (finding or creating its records) before it writes the conversation.
 * On a mismatch the stored hash is cleared as well, so that next sync re-verifies every link (person,
 * organization, lead) instead of trusting ids from the same restored Krayin.
 */
import type { KrayinLead } from '../../src/krayin/api';
import { identityHashSalt, leadIsOurs, personIsOurs } from '../../src/sync/ownership';
import type { KrayinActivityDeps, KrayinSide } from '../deps';
import { reportLinkMismatch } from './link-mismatch';

interface Ref {
  connectionId: string;
  contactId: number;
  conversationId: number;
}

/** Whether the activity may be written to the lead (else the person); false: links forgotten, sync the contact again. */
export async function conversationTargetUsable(
  deps: KrayinActivityDeps,
  conn: KrayinSide,
  ref: Ref,
  target: { leadId: number | null; personId: number },
  /** Salted hashes of the contact's email and phone now (identityHashes), read from Chatwoot. */
  contactHashes: readonly string[],
): Promise<boolean> {
  const { store } = deps;
  const { connectionId, contactId, conversationId } = ref;
  const { leadId, personId } = target;
  if (leadId !== null) {
    const lead = await conn.krayin.getLead(leadId);
    if (lead && leadIsOurs(lead, personId)) return true;
    await store.links.upsertContact(connectionId, contactId, { leadId: null });
    if (lead) await mismatch(deps, connectionId, contactId, 'lead', { leadId, personId, conversationId });
    else await store.audit.append({ connectionId, contactId, action: 'lead.gone', detail: { leadId, conversationId } });
    return false;
  }
  const person = await conn.krayin.getPerson(personId);
  const written = await store.writtenIdentities.get(connectionId, contactId);
  // The contact's identity now arrives hashed like what we wrote (same salt and normalisation), so it
  // is evidence alongside the written hashes: a person holding either is the contact's.
  const evidence = {
    emails: [],
    phones: [],
    writtenHashes: [...contactHashes, ...(written?.personId === personId ? written.hashes : [])],
    salt: identityHashSalt(connectionId, contactId),
  };
  if (person && personIsOurs(person, evidence)) return true;
  await store.links.upsertContact(connectionId, contactId, { personId: null });
  if (person) await mismatch(deps, connectionId, contactId, 'person', { personId, conversationId });
  else await store.audit.append({ connectionId, contactId, action: 'person.relink', detail: { conversationId } });
  return false;
}

/**
 * Whether a lead just read may be written (stage move, owner): its person must be the contact's linked
 * person. When not, the lead link is forgotten (the next sync finds or creates the contact's lead).
 */
export async function leadWritable(
  deps: KrayinActivityDeps,
  ref: Omit<Ref, 'conversationId'>,
  lead: KrayinLead,
): Promise<boolean> {
  const link = await deps.store.links.getContact(ref.connectionId, ref.contactId);
  if (link?.personId && leadIsOurs(lead, link.personId)) return true;
  if (link?.leadId !== lead.id) return false; // not (or no longer) our link: nothing to forget or report
  await deps.store.links.upsertContact(ref.connectionId, ref.contactId, { leadId: null });
  await mismatch(deps, ref.connectionId, ref.contactId, 'lead', { leadId: lead.id, personId: link.personId });
  return false;
}

async function mismatch(
  deps: KrayinActivityDeps,
  connectionId: string,
  contactId: number,
  type: 'lead' | 'person',
  detail: Record<string, number | null>,
): Promise<void> {
  await deps.store.syncState.clearHash(connectionId, contactId);
  await reportLinkMismatch(deps, connectionId, contactId, type, detail);
}
