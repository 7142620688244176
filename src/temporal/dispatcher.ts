/**
 * Delivers an accepted webhook to its contact's workflow with signalWithStart: starts the workflow
 * if it is not running, signals it either way. Durable once it resolves, even with no worker up,
 * which is why ingest answers Chatwoot only after this returns.
 */
import type { Client } from '@temporalio/client';
import { contactSync } from '../../workflows';
import {
  agentActionSignal,
  contactEventSignal,
  contactWorkflowId,
  retrySignal,
  signalPayloadOf,
  type AgentAction,
  type ContactEvent,
  type ContactSyncInput,
} from '../../workflows/api';
import { ChatwootContactIdKey, ConnectionIdKey, SyncStatusKey } from '../../workflows/search-attributes';
import { workflowDetails, workflowSummary } from '../../workflows/ui-metadata';
import type { ConnectionConfig } from '../config/schema';
import type { EventDispatcher } from '../ingest/types';
import { krayinChangedSignal, type KrayinChange } from '../../workflows/krayin-poll-api';
import type { KrayinChangeDispatcher } from '../two-way/dispatch';

export class TemporalDispatcher implements EventDispatcher, KrayinChangeDispatcher {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async dispatch(e: ContactEvent, connection: ConnectionConfig): Promise<void> {
    if (e.connectionId !== connection.id) {
      throw new Error(`event of connection "${e.connectionId}" dispatched as "${connection.id}"`);
    }
    await this.client.workflow.signalWithStart(contactSync, {
      ...this.startOptions(connection.id, e.contactId),
      signal: contactEventSignal,
      signalArgs: [signalPayloadOf(e)],
    });
  }

  /**
   * Re-run a contact's sync now from current data, ignoring the stored hash (replay, retry-parked).
   * Starts the workflow when it is not running, like an event would.
   */
  async retry(connectionId: string, contactId: number, requestedBy: string): Promise<void> {
    await this.client.workflow.signalWithStart(contactSync, {
      ...this.startOptions(connectionId, contactId),
      signal: retrySignal,
      signalArgs: [{ requestedBy }],
    });
  }

  /** An agent's action from the CRM panel in Chatwoot (src/chatwoot-app), into the contact's own workflow. */
  async agentAction(connectionId: string, contactId: number, action: AgentAction): Promise<void> {
    await this.client.workflow.signalWithStart(contactSync, {
      ...this.startOptions(connectionId, contactId),
      signal: agentActionSignal,
      signalArgs: [action],
    });
  }

  /** Two-way sync: what the Krayin poll saw change for this contact, into the contact's own workflow. */
  async dispatchKrayinChange(connectionId: string, contactId: number, change: KrayinChange): Promise<void> {
    await this.client.workflow.signalWithStart(contactSync, {
      ...this.startOptions(connectionId, contactId),
      signal: krayinChangedSignal,
      signalArgs: [change],
    });
  }

  /** The workflow reads its timings from the worker's live config, so the input is just the ids. */
  private startOptions(connectionId: string, contactId: number) {
    const input: ContactSyncInput = { connectionId, contactId };
    return {
      workflowId: contactWorkflowId(connectionId, contactId),
      taskQueue: this.taskQueue,
      args: [input] satisfies [ContactSyncInput],
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
