/**
 * At worker start: the Krayin poll (workflows/krayin-poll.ts) of every enabled connection with two-way
 * sync on is started, or found already running (one per connection and task queue: the workflow id
 * says which). A poll whose connection turned two-way sync off ends itself at its next poll.
 */
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/schema';
import type { Logger } from '../logging';
import { krayinPollWorkflow } from '../../workflows/krayin-poll';
import { krayinPollWorkflowId, type KrayinPollInput } from '../../workflows/krayin-poll-api';
import { ConnectionIdKey } from '../../workflows/search-attributes';

export async function ensureKrayinPolls(client: Client, config: AppConfig, log?: Logger): Promise<string[]> {
  const started: string[] = [];
  for (const connection of config.connections) {
    if (!connection.enabled || !connection.twoWay.enabled) continue;
    const workflowId = krayinPollWorkflowId(connection.id, config.temporal.taskQueue);
    const handle = await client.workflow.start(krayinPollWorkflow, {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [{ connectionId: connection.id }] satisfies [KrayinPollInput],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: ConnectionIdKey, value: connection.id }],
      staticSummary: `Krayin poll of connection ${connection.id} (two-way sync)`,
    });
    started.push(handle.workflowId);
    log?.info({ workflowId }, 'krayin poll running');
  }
  return started;
}
