/**
 * Starting the backfill and a manual reconciliation pass, shared by the CLI (src/backfill/cli.ts,
 * src/reconcile/cli.ts) and the console's "Imports and repairs" page, so both start the same workflow
 * under the same id (one backfill per connection, one manual pass per connection and mode): a second
 * start while one runs finds the running one.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { ConnectionIdKey } from '../../workflows/search-attributes';
import { backfillWorkflowId, type BackfillInput } from '../../workflows/backfill-api';
import { backfill } from '../../workflows/backfill';
import { manualReconcileWorkflowId, type ReconcileInput, type ReconcileMode } from '../../workflows/reconcile-api';
import { reconcile } from '../../workflows/reconcile';

/** Where a run was started from, for its summary in the Temporal UI. */
export type RunOrigin = 'the CLI' | 'the console';

export interface StartedRun {
  workflowId: string;
  /** False: one was already running under that id (nothing new started). */
  started: boolean;
}

/** A dry run has its own id: it never collides with (or re-attaches to) a real backfill. */
export function backfillCommandWorkflowId(connectionId: string, taskQueue: string, dryRun: boolean): string {
  const id = backfillWorkflowId(connectionId, taskQueue);
  return dryRun ? `${id}:dry-run` : id;
}

export async function startBackfill(
  client: Client,
  taskQueue: string,
  opts: { connectionId: string; dryRun: boolean; conversations: boolean; since?: string },
  origin: RunOrigin,
): Promise<StartedRun> {
  const { connectionId, dryRun } = opts;
  const workflowId = backfillCommandWorkflowId(connectionId, taskQueue, dryRun);
  const input: BackfillInput = {
    connectionId,
    dryRun,
    conversations: opts.conversations,
    ...(opts.since === undefined ? {} : { since: opts.since }),
  };
  try {
    await client.workflow.start(backfill, {
      workflowId,
      taskQueue,
      args: [input],
      typedSearchAttributes: [{ key: ConnectionIdKey, value: connectionId }],
      staticSummary: `${dryRun ? 'Dry run of the backfill' : 'Backfill'} of connection ${connectionId}, started from ${origin}`,
    });
    return { workflowId, started: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { workflowId, started: false };
  }
}

export async function startReconcile(
  client: Client,
  taskQueue: string,
  connectionId: string,
  mode: ReconcileMode,
  origin: RunOrigin,
): Promise<StartedRun> {
  const workflowId = manualReconcileWorkflowId(connectionId, mode, taskQueue);
  const input: ReconcileInput = { connectionId, mode };
  try {
    await client.workflow.start(reconcile, {
      workflowId,
      taskQueue,
      args: [input],
      typedSearchAttributes: [{ key: ConnectionIdKey, value: connectionId }],
      staticSummary: `Reconciliation (${mode}) of connection ${connectionId}, started from ${origin}`,
    });
    return { workflowId, started: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { workflowId, started: false };
  }
}
