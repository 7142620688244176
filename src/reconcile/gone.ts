/**
 * What happens to a linked contact Chatwoot answers 404 for (deleted, or merged into another contact),
 * as pure decisions. Chatwoot sends no webhook for either (src/chatwoot/README.md §1), so the contact's
 * workflow meets the 404 in its plan and takes the "gone" path, which asks these rules:
 *
 * - merged: Chatwoot moved the mergee's conversations to the surviving contact, and the survivor keeps
 *   the mergee's email or phone when it had none (so its own sync finds the same Krayin person). The
 *   mergee's Krayin links move to the survivor instead of a second person being made; the delete policy
 *   never touches that person.
 * - deleted: ON_CHATWOOT_DELETE says what Krayin sees: keep (nothing), tag, or delete the person.
 */

export type ChatwootDeletePolicy = 'keep' | 'tag' | 'delete_person';

/** The Krayin tag the `tag` policy attaches (created once when Krayin has none of that name). */
export const CHATWOOT_DELETED_TAG = 'chatwoot-deleted';

export interface LinkIds {
  personId: number | null;
  organizationId: number | null;
  leadId: number | null;
}

/**
 * Which other contact a gone one was merged into, from PII-free evidence only (the store holds no
 * emails): a conversation of the gone contact that Chatwoot now shows under another contact (a merge
 * moves conversations), or another contact the store already links to the same Krayin person (the
 * survivor's own sync matched that person by email or phone). Candidates Chatwoot answers 404 for are
 * not passed in. Several different survivors: no guess (null), the policy applies as for a delete.
 */
export function mergeSurvivor(
  goneContactId: number,
  evidence: { conversationOwners: number[]; samePersonContacts: number[] },
): number | null {
  const candidates = new Set(
    [...evidence.conversationOwners, ...evidence.samePersonContacts].filter((id) => id !== goneContactId),
  );
  return candidates.size === 1 ? [...candidates][0]! : null;
}

export type RelinkDecision =
  /** The gone contact linked nothing in Krayin: nothing to move. */
  | { kind: 'nothing' }
  /** The survivor links no person yet: it takes the gone contact's person, organization and lead. */
  | { kind: 'move'; links: LinkIds }
  /** The survivor already links the same person: the gone contact's links are dropped; gaps are filled. */
  | { kind: 'same_person'; fill: Partial<LinkIds> }
  /** The survivor links another Krayin person: we never merge Krayin persons; an operator decides. */
  | { kind: 'conflict'; goneLinks: LinkIds; survivorPersonId: number };

export function decideRelink(gone: LinkIds | null, survivor: LinkIds | null): RelinkDecision {
  if (!gone || gone.personId === null) return { kind: 'nothing' };
  if (!survivor || survivor.personId === null) {
    return {
      kind: 'move',
      links: {
        personId: gone.personId,
        organizationId: survivor?.organizationId ?? gone.organizationId,
        leadId: gone.leadId,
      },
    };
  }
  if (survivor.personId === gone.personId) {
    const fill: Partial<LinkIds> = {};
    if (survivor.leadId === null && gone.leadId !== null) fill.leadId = gone.leadId;
    if (survivor.organizationId === null && gone.organizationId !== null) fill.organizationId = gone.organizationId;
    return { kind: 'same_person', fill };
  }
  return { kind: 'conflict', goneLinks: gone, survivorPersonId: survivor.personId };
}

export type DeleteAction =
  /** Nothing is written to Krayin. */
  | { kind: 'none'; why: 'keep' | 'not_linked' | 'not_ours' }
  /** Tag the person (and its lead when linked). `instead` says why a delete_person became a tag. */
  | { kind: 'tag'; personId: number; leadId: number | null; instead?: 'has_leads' }
  /** Delete the person: it is ours and no lead refers to it. */
  | { kind: 'delete_person'; personId: number };

/**
 * The Krayin write for a deleted contact, once the linked person was read back. A person that is no
 * longer ours (Krayin restored, its id handed out again) is never written to. Krayin refuses to delete a
 * person that leads refer to (leads.person_id is RESTRICT; its answer is a 500 with the success text),
 * and its delete hooks have already removed the person's activities by then
 * (src/krayin/README.md §7): so a person with any lead is never sent a DELETE. Deleting the leads
 * would destroy sales history; the person is tagged instead, so sales sees it.
 */
export function deleteAction(
  policy: ChatwootDeletePolicy,
  link: LinkIds | null,
  person: { exists: boolean; ours: boolean; leadCount: number },
): DeleteAction {
  if (policy === 'keep') return { kind: 'none', why: 'keep' };
  if (!link || link.personId === null || !person.exists) return { kind: 'none', why: 'not_linked' };
  if (!person.ours) return { kind: 'none', why: 'not_ours' };
  if (policy === 'tag') return { kind: 'tag', personId: link.personId, leadId: link.leadId };
  if (person.leadCount > 0) return { kind: 'tag', personId: link.personId, leadId: link.leadId, instead: 'has_leads' };
  return { kind: 'delete_person', personId: link.personId };
}
