/**
 * What reconciliation and backfill share: they read Chatwoot's contact lists, decide per listed contact
 * whether it differs from what was last synced, and hand the ones that do to the contact's own workflow
 * exactly as a webhook would (same dispatcher, so they never race a live event for that contact).
 */
import type { ChatwootApiContact } from '../src/chatwoot/api-schemas';
import type { EventDispatcher } from '../src/ingest/types';
import type { AttributeCatalog } from '../src/mapping/attributes';
import { mapContact } from '../src/mapping/contact';
import type { PlannedContact } from '../src/reconcile/compare';
import { encodeSectionHashes, sectionHashes } from '../src/sync/section-hashes';
import { settingsFingerprint } from './chatwoot/plan';
import type { ChatwootSide } from './deps';

/** Hands one contact (or one of its conversations) to its workflow; the delivery id makes a re-sent page a duplicate. */
export type HandOver = (
  connectionId: string,
  contactId: number,
  deliveryId: string,
  event: string,
  conversationId?: number,
) => Promise<void>;

export function handOverThrough(
  dispatcher: EventDispatcher,
  connections: { get(connectionId: string): ChatwootSide },
  now: () => Date,
): HandOver {
  return (connectionId, contactId, deliveryId, event, conversationId) =>
    dispatcher.dispatch(
      {
        connectionId,
        contactId,
        deliveryId,
        event,
        receivedAt: now().toISOString(),
        ...(conversationId === undefined ? {} : { conversationId }),
      },
      connections.get(connectionId).config,
    );
}

/**
 * The same section hash the plan activity stores (activities/chatwoot/plan.ts), computed from the
 * listed contact: no extra read. Also its identity (email, phone) for a dry run's lookups.
 */
export function planListedContact(
  conn: ChatwootSide,
  contact: ChatwootApiContact,
  hasConversations: boolean,
  leadLinked: boolean,
  catalog: AttributeCatalog | undefined,
): { planned: PlannedContact; identity: { email: string; phone: string | null } | null } {
  const sync = conn.config.sync;
  const mapped = mapContact(contact, sync, catalog, { timezone: conn.config.krayin.timezone });
  if (mapped.kind === 'skip') return { planned: { kind: 'skip', note: mapped.note }, identity: null };
  if (mapped.kind !== 'sync') return { planned: { kind: 'invalid' }, identity: null };
  const leadDue = sync.leadPolicy !== 'first_conversation' || hasConversations || leadLinked;
  const plan = leadDue ? mapped : { ...mapped, lead: null };
  const hash = encodeSectionHashes(sectionHashes(plan, settingsFingerprint(sync)));
  return {
    planned: { kind: 'sync', hash, leadExpected: plan.lead !== null },
    identity: { email: plan.identity.email, phone: plan.identity.phone },
  };
}
