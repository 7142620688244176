/** Records how a sync ended, in the store (the durable, queryable record ops and the CLI read). */
import type { ContactRef, RecordParkedInput, RecordSyncedInput } from './contracts';
import type { ActivityDeps } from './deps';

export function outcomeActivities({ store, now = () => new Date() }: ActivityDeps) {
  return {
    async recordSynced({ connectionId, contactId, hash, personId, leadId, organizationId }: RecordSyncedInput) {
      await store.links.upsertContact(connectionId, contactId, { personId, leadId, organizationId });
      await store.syncState.markSynced(connectionId, contactId, hash, now());
      await store.audit.append({ connectionId, contactId, action: 'sync.synced', detail: { personId, leadId } });
    },

    async recordSkipped({ connectionId, contactId, note }: ContactRef & { note: string }) {
      await store.syncState.markSkipped(connectionId, contactId, note);
      await store.audit.append({ connectionId, contactId, action: 'sync.skipped', detail: { note } });
    },

    async recordParked({ connectionId, contactId, reason, status }: RecordParkedInput) {
      if (status === 'parked') await store.syncState.markParked(connectionId, contactId, reason, now());
      else await store.syncState.markFailed(connectionId, contactId, reason, now());
      await store.audit.append({ connectionId, contactId, action: `sync.${status}`, detail: { ...reason } });
    },

    /** Chatwoot answered 404: the contact was deleted or merged away. Krayin records are left alone. */
    async recordGone({ connectionId, contactId }: ContactRef) {
      await store.syncState.markSkipped(connectionId, contactId, 'contact deleted or merged in Chatwoot');
      await store.audit.append({ connectionId, contactId, action: 'sync.gone' });
    },
  };
}
