/**
 * At worker start: the Krayin poll (workflows/krayin-poll.ts) of every enabled connection with two-way
 * sync on is started, or found already running (one per connection and task queue: the workflow id
 * says which). A poll whose connection turned two-way sync off ends itself at its next poll; one whose
 * connection was deleted or disabled without a restart is cancelled (stopKrayinPolls): its Krayin queue
 * has no worker any more, so it could not end itself.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
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

/**
 * Ends the Krayin poll of each connection (cancelled; absent or already closed is fine). Returns the
 * workflow ids it cancelled. Idempotent: every worker replica may run it for the same change.
 */
export async function stopKrayinPolls(
  client: Client,
  connectionIds: readonly string[],
  taskQueue: string,
  log?: Logger,
): Promise<string[]> {
  const stopped: string[] = [];
  for (const connectionId of connectionIds) {
    const workflowId = krayinPollWorkflowId(connectionId, taskQueue);
    const handle = client.workflow.getHandle(workflowId);
    try {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') continue;
      await handle.cancel();
      stopped.push(workflowId);
      log?.info({ workflowId }, 'krayin poll stopped: its connection was removed or disabled');
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) continue;
      throw err;
    }
  }
  return stopped;
}
