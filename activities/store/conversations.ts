/** What the store remembers about conversations (our Postgres only). */
import type { JsonValue } from '../../src/store/types';
import type { ContactRef, RecordConversationInput } from '../contracts';
import type { StoreActivityDeps } from '../deps';

export function conversationRecordActivities({ store }: StoreActivityDeps) {
  return {
    /** Saves what the conversation looked like, once everything its change implied has been done. */
    async recordConversation({ connectionId, contactId, conversationId, observed }: RecordConversationInput) {
      await store.conversations.upsert(connectionId, conversationId, {
        contactId,
        observedState: observed as unknown as JsonValue,
      });
      // Analytics: the conversation's Krayin calls and activity writes (no row when it did neither).
      await store.syncEvents.record({ connectionId, contactId, kind: 'conversation' });
    },

    /** Keeps conversations for later (contact not syncable yet, or parked): forces a rewrite when it syncs. */
    async rememberConversations({
      connectionId,
      contactId,
      conversationIds,
    }: ContactRef & { conversationIds: number[] }) {
      for (const conversationId of conversationIds) {
        await store.conversations.upsert(connectionId, conversationId, { contactId, lastHash: null });
      }
    },
  };
}
