/**
 * Moves a merged-away contact's Krayin links to the contact it was merged into (store only): the person,
 * organization and lead links, and its conversations (Chatwoot moved them to the survivor too). Never
 * merges Krayin persons: when the survivor already links another person, nothing moves and the caller
 * parks the gone contact for an operator (src/reconcile/gone.ts, decideRelink).
 */
import { decideRelink, type RelinkDecision } from '../../src/reconcile/gone';
import type { ContactRef } from '../contracts';
import type { StoreActivityDeps } from '../deps';

export function mergeRecordActivities({ store }: StoreActivityDeps) {
  return {
    async relinkMergedContact(input: ContactRef & { survivor: number }): Promise<RelinkDecision['kind']> {
      const { connectionId, contactId, survivor } = input;
      return store.transaction(async (tx) => {
        const [gone, kept] = await Promise.all([
          tx.links.getContact(connectionId, contactId),
          tx.links.getContact(connectionId, survivor),
        ]);
        const decision = decideRelink(gone, kept);
        const ids = { personId: gone?.personId ?? null, leadId: gone?.leadId ?? null, survivor };
        if (decision.kind === 'conflict') {
          await tx.audit.append({
            connectionId,
            contactId,
            action: 'reconcile.merge_conflict',
            detail: { ...ids, survivorPersonId: decision.survivorPersonId },
          });
          return decision.kind;
        }
        if (decision.kind === 'move') await tx.links.upsertContact(connectionId, survivor, decision.links);
        if (decision.kind === 'same_person' && Object.keys(decision.fill).length > 0) {
          await tx.links.upsertContact(connectionId, survivor, decision.fill);
        }
        for (const c of await tx.conversations.listByContact(connectionId, contactId)) {
          await tx.conversations.upsert(connectionId, c.conversationId, { contactId: survivor });
        }
        if (decision.kind !== 'nothing') {
          await tx.links.upsertContact(connectionId, contactId, { personId: null, organizationId: null, leadId: null });
        }
        await tx.audit.append({
          connectionId,
          contactId,
          action: 'reconcile.relinked',
          detail: { ...ids, how: decision.kind },
        });
        return decision.kind;
      });
    },
  };
}
