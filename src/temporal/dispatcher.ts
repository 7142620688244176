/**
 * Delivers an accepted webhook to its contact's workflow with signalWithStart: starts the workflow
 * if it is not running, signals it either way. Durable once it resolves, even with no worker up,
 * which is why ingest answers Chatwoot only after this returns.
 */
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/schema';
import type { EventDispatcher, SyncEvent } from '../ingest/types';
import {
  CONTACT_SYNC_WORKFLOW_TYPE,
  contactEventSignal,
  contactWorkflowId,
  type ContactSyncInput,
} from '../shared/contact-sync-api';
import { ChatwootContactIdKey, ConnectionIdKey, SyncStatusKey } from '../shared/search-attributes';
import { contactSyncSettings } from './workflow-settings';

export class TemporalDispatcher implements EventDispatcher {
  constructor(
    private readonly client: Client,
    private readonly config: AppConfig,
  ) {}

  async dispatch(e: SyncEvent): Promise<void> {
    const connection = this.config.connections.find((c) => c.id === e.connectionId);
    if (!connection) throw new Error(`unknown connection "${e.connectionId}"`);
    const input: ContactSyncInput = {
      connectionId: e.connectionId,
      contactId: e.contactId,
      settings: contactSyncSettings(connection),
    };
    await this.client.workflow.signalWithStart(CONTACT_SYNC_WORKFLOW_TYPE, {
      workflowId: contactWorkflowId(e.connectionId, e.contactId),
      taskQueue: this.config.temporal.taskQueue,
      args: [input],
      signal: contactEventSignal,
      signalArgs: [
        {
          deliveryId: e.deliveryId,
          event: e.event,
          receivedAt: e.receivedAt,
          ...(e.conversationId === undefined ? {} : { conversationId: e.conversationId }),
          ...(e.messageId === undefined ? {} : { messageId: e.messageId }),
        },
      ],
      typedSearchAttributes: [
        { key: ConnectionIdKey, value: e.connectionId },
        { key: ChatwootContactIdKey, value: String(e.contactId) },
        { key: SyncStatusKey, value: 'pending' },
      ],
    });
  }
}
