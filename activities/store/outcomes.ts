/**
 * Records how a sync ended, in the store (the durable, queryable record ops and the CLI read), and the
 * step's analytics row (sync_events: its Krayin calls, latency and records written).
 */
import type { ContactRef, RecordParkedInput, RecordSyncedInput, Timed } from '../contracts';
import type { StoreActivityDeps } from '../deps';

export function outcomeActivities({ store, observer, now = () => new Date() }: StoreActivityDeps) {
  const seconds = (t: Timed) =>
    t.startedAt ? Math.max(0, (now().getTime() - Date.parse(t.startedAt)) / 1000) : undefined;
  return {
    async recordSynced(input: RecordSyncedInput) {
      const { connectionId, contactId, hash, personId, leadId, organizationId } = input;
      await store.links.upsertContact(connectionId, contactId, { personId, leadId, organizationId });
      await store.syncState.markSynced(connectionId, contactId, hash, now());
      await store.audit.append({ connectionId, contactId, action: 'sync.synced', detail: { personId, leadId } });
      await store.syncEvents.record({ connectionId, contactId, kind: 'synced' });
      observer?.sync(connectionId, 'synced', seconds(input));
    },

    async recordSkipped(input: ContactRef & Timed & { note: string }) {
      const { connectionId, contactId, note } = input;
      await store.syncState.markSkipped(connectionId, contactId, note);
      await store.audit.append({ connectionId, contactId, action: 'sync.skipped', detail: { note } });
      await store.syncEvents.record({ connectionId, contactId, kind: 'skipped' });
      observer?.sync(connectionId, 'skipped', seconds(input));
    },

    async recordParked(input: RecordParkedInput) {
      const { connectionId, contactId, reason, status } = input;
      if (status === 'parked') await store.syncState.markParked(connectionId, contactId, reason, now());
      else await store.syncState.markFailed(connectionId, contactId, reason, now());
      await store.audit.append({ connectionId, contactId, action: `sync.${status}`, detail: { ...reason } });
      await store.syncEvents.record({ connectionId, contactId, kind: status, reasonKind: reason.kind });
      observer?.sync(connectionId, status, seconds(input));
      observer?.parked(connectionId, reason);
    },

    /**
     * Chatwoot answered 404: the contact was deleted or merged away. `handled` (ids and the policy only)
     * says what the gone path did in Krayin or the store; runs before it left Krayin alone.
     */
    async recordGone(input: ContactRef & Timed & { handled?: Record<string, string | number | null> }) {
      const { connectionId, contactId, handled } = input;
      await store.syncState.markSkipped(connectionId, contactId, 'contact deleted or merged in Chatwoot');
      await store.audit.append({
        connectionId,
        contactId,
        action: 'sync.gone',
        ...(handled ? { detail: handled } : {}),
      });
      await store.syncEvents.record({ connectionId, contactId, kind: 'gone' });
      observer?.sync(connectionId, 'gone', seconds(input));
    },
  };
}
