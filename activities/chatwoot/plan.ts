/**
 * Reads the contact's current state from Chatwoot (webhook payloads are stale and unordered), maps it
 * to the Krayin state we want, and compares it with what was last written. Makes no Krayin call (when
 * Krayin work is due it marks the contact "pending" in the store, for `status`); a field map with
 * custom attributes needs Krayin's attribute catalog, which the workflow reads on the Krayin queue
 * (fieldMapCatalog) and passes in when the plan answers `needs_catalog`.
 */
import type { SyncSettings } from '../../src/config/schema';
import { mapContact } from '../../src/mapping/contact';
import type { SyncPlan } from '../../src/mapping/types';
import { fieldMapNeedsCatalog } from '../../src/mapping/field-map';
import { decodeSectionHashes, encodeSectionHashes, sectionHashes } from '../../src/sync/section-hashes';
import type { PlanInput, PlanResult } from '../contracts';
import type { ChatwootActivityDeps } from '../deps';
import { classified } from '../failures';

export function planActivities({ store, connections, observer }: ChatwootActivityDeps) {
  return {
    async planContactSync({
      connectionId,
      contactId,
      force,
      conversationStarted,
      catalog,
    }: PlanInput): Promise<PlanResult> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const sync = conn.config.sync;
        if (catalog === undefined && fieldMapNeedsCatalog(sync.fieldMap)) return { kind: 'needs_catalog' };
        const contact = await conn.chatwoot.getContact(contactId);
        if (!contact) return { kind: 'gone' };

        const mapped = mapContact(contact, sync, catalog, { timezone: conn.config.krayin.timezone });
        if (mapped.kind !== 'sync') return mapped;

        const [state, link, conversations] = await Promise.all([
          store.syncState.get(connectionId, contactId),
          store.links.getContact(connectionId, contactId),
          store.conversations.listByContact(connectionId, contactId),
        ]);
        const links = {
          personId: link?.personId ?? null,
          organizationId: link?.organizationId ?? null,
          leadId: link?.leadId ?? null,
        };
        const leadDue = leadIsDue(sync, conversationStarted === true, conversations.length, links.leadId);
        const plan = leadDue ? mapped : { ...mapped, lead: null };
        const unsyncedConversations = conversations.filter((c) => c.activityId === null).map((c) => c.conversationId);

        const hashes = sectionHashes(plan, settingsFingerprint(sync));
        const hash = encodeSectionHashes(hashes);
        const fullyLinked = links.personId !== null && (plan.lead === null || links.leadId !== null);
        if (!force && state?.lastHash === hash && state.status === 'synced' && fullyLinked) {
          observer?.sync(connectionId, 'unchanged');
          return { kind: 'unchanged', links: { ...links, personId: links.personId! }, unsyncedConversations };
        }

        // Krayin work is due: the store says "pending" (with since when) until the outcome is recorded, so
        // `status` shows a sync held up by an unreachable Krayin instead of its last success.
        await store.syncState.markPending(connectionId, contactId);
        const previous = force ? null : decodeSectionHashes(state?.lastHash);
        return {
          kind: 'sync',
          hash,
          changed: {
            organization: previous?.organization !== hashes.organization,
            person: previous?.person !== hashes.person,
            lead: previous?.lead !== hashes.lead,
          },
          links,
          unsyncedConversations,
          identity: plan.identity,
          person: plan.person,
          organization: plan.organization,
          lead: plan.lead,
        };
      });
    },
  };
}

/** "first_conversation": no lead until the contact talks to us (or already has one). */
export function leadIsDue(
  sync: SyncSettings,
  conversationStarted: boolean,
  knownConversations: number,
  leadId: number | null,
): boolean {
  return sync.leadPolicy !== 'first_conversation' || conversationStarted || knownConversations > 0 || leadId !== null;
}

/** The stored hash the plan compares with, for a mapped contact (what recordSynced stores after a write). */
export function planHashOf(mapped: SyncPlan, sync: SyncSettings, leadDue: boolean): string {
  return encodeSectionHashes(sectionHashes(leadDue ? mapped : { ...mapped, lead: null }, settingsFingerprint(sync)));
}

/** The settings that change what is written; part of the hash so a settings change rewrites contacts. */
export function settingsFingerprint(sync: SyncSettings): Record<string, unknown> {
  return {
    owner: sync.lead.owner ?? null,
    lead: sync.lead,
    leadPolicy: sync.leadPolicy,
    fieldMap: sync.fieldMap,
  };
}
