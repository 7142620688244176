/**
 * Activities of workflow code from before the Chatwoot read and the Krayin write of a conversation
 * were split (patch `conversation-read-then-write` in workflows/conversation-flow.ts). A run whose
 * history scheduled one of these before the split still has it scheduled (or retrying) on the Krayin
 * queue, so they stay registered there, composed from the split activities in one process.
 * They call Chatwoot from the Krayin queue: nothing new may use them. Delete them once no run
 * started before that release is open (see docs/operations.md, "Upgrading").
 */
import { chatwootConversationActivities } from '../chatwoot/conversations';
import type { AssignLeadOwnerInput, SyncConversationInput, SyncConversationResult } from '../contracts';
import type { ActivityDeps } from '../deps';
import { classified } from '../failures';
import { krayinConversationActivities } from './conversations';

export function createLegacyKrayinQueueActivities(deps: ActivityDeps) {
  const read = chatwootConversationActivities(deps);
  const write = krayinConversationActivities(deps);
  return {
    async syncConversation(input: SyncConversationInput): Promise<SyncConversationResult> {
      const seen = await read.readConversation(input);
      if (seen.kind === 'gone' || seen.kind === 'moved') return seen;
      const { previous, observed, follow } = seen;
      if (seen.kind === 'unchanged') {
        return { kind: 'synced', activityId: seen.activityId, previous, observed, written: false, follow };
      }
      const { activity, hash, contactHashes } = seen;
      const result = await write.writeConversation({ ...input, activity, hash, contactHashes });
      if (result.kind === 'lead_gone') return result;
      return { kind: 'synced', activityId: result.activityId, previous, observed, written: true, follow };
    },

    async syncMessageActivities(input: SyncConversationInput): Promise<{ written: number; more: boolean }> {
      const batch = await read.readMessages(input);
      if (batch.messages.length === 0) return { written: 0, more: false };
      const { written, targetUsable } = await write.writeMessages({ ...input, ...batch });
      return targetUsable ? { written, more: batch.more } : { written: 0, more: false };
    },

    async assignLeadOwner(input: AssignLeadOwnerInput): Promise<{ ownerId: number | null; changed: boolean }> {
      const { connectionId, assigneeId } = input;
      const assigneeEmail = await classified(async () =>
        assigneeId === null ? null : await deps.connections.get(connectionId).agents.emailOf(assigneeId),
      );
      return write.setLeadOwner({ ...input, assigneeEmail });
    },
  };
}

export type LegacyKrayinQueueActivities = ReturnType<typeof createLegacyKrayinQueueActivities>;
