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
  retrySignal,
  type ContactSyncInput,
} from '../shared/contact-sync-api';
import { ChatwootContactIdKey, ConnectionIdKey, SyncStatusKey } from '../shared/search-attributes';
import { workflowDetails, workflowSummary } from '../shared/ui-metadata';
import { contactSyncSettings } from './workflow-settings';

export class TemporalDispatcher implements EventDispatcher {
  constructor(
    private readonly client: Client,
    private readonly config: AppConfig,
  ) {}

  async dispatch(e: SyncEvent): Promise<void> {
    await this.client.workflow.signalWithStart(CONTACT_SYNC_WORKFLOW_TYPE, {
      ...this.startOptions(e.connectionId, e.contactId),
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
    });
  }

  /**
   * Re-run a contact's sync now from current data, ignoring the stored hash (replay, retry-parked).
   * Starts the workflow when it is not running, like an event would.
   */
  async retry(connectionId: string, contactId: number, requestedBy: string): Promise<void> {
    await this.client.workflow.signalWithStart(CONTACT_SYNC_WORKFLOW_TYPE, {
      ...this.startOptions(connectionId, contactId),
      signal: retrySignal,
      signalArgs: [{ requestedBy }],
    });
  }

  private startOptions(connectionId: string, contactId: number) {
    const connection = this.config.connections.find((c) => c.id === connectionId);
    if (!connection) throw new Error(`unknown connection "${connectionId}"`);
    const input: ContactSyncInput = { connectionId, contactId, settings: contactSyncSettings(connection) };
    return {
      workflowId: contactWorkflowId(connectionId, contactId),
      taskQueue: this.config.temporal.taskQueue,
      args: [input] as [ContactSyncInput],
      typedSearchAttributes: [
        { key: ConnectionIdKey, value: connectionId },
        { key: ChatwootContactIdKey, value: String(contactId) },
        { key: SyncStatusKey, value: 'pending' },
      ],
      // What the Temporal UI shows for the run (ids only); only used when this call starts the run.
      staticSummary: workflowSummary(connectionId, contactId),
      staticDetails: workflowDetails(connectionId, contactId),
    };
  }
}
