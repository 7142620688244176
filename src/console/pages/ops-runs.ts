/**
 * The backfill ("import of existing contacts") and reconciliation ("repair pass") runs of a connection,
 * as the "Imports and repairs" page shows them: read from Temporal's list of executions, progress from
 * the workflows' own `progress` query while they run and from their result once they ended.
 */
import type { Client, WorkflowExecutionDescription, WorkflowExecutionInfo } from '@temporalio/client';
import { ConnectionIdKey } from '../../../workflows/search-attributes';
import { backfillCancelSignal, backfillProgressQuery, type BackfillProgress } from '../../../workflows/backfill-api';
import { reconcileProgressQuery, type ReconcileProgress } from '../../../workflows/reconcile-api';

export type RunKind = 'backfill' | 'reconcile';

export interface RunView {
  workflowId: string;
  runId: string;
  kind: RunKind;
  /** Trial import (dry run), or a full repair pass. */
  dryRun: boolean;
  full: boolean;
  /** Started by a person (CLI or console), not by the schedule. */
  manual: boolean;
  state: 'running' | 'done' | 'cancelled' | 'failed' | 'stopped';
  startedAt: Date;
  endedAt: Date | null;
  backfill: BackfillProgress | null;
  reconcile: ReconcileProgress | null;
}

const TYPES = ['backfill', 'reconcile'];
/** How long one progress question may take before the page shows "starting". */
const QUERY_TIMEOUT_MS = 3_000;

function listQuery(taskQueue: string, connectionId: string): string {
  // Connection ids and task queues are checked by the config schema ([a-z0-9_-], no quotes).
  return [
    `TaskQueue = "${taskQueue.replace(/"/g, '')}"`,
    `ConnectionId = "${connectionId.replace(/"/g, '')}"`,
    `WorkflowType IN (${TYPES.map((t) => `"${t}"`).join(', ')})`,
    `ExecutionStatus != "ContinuedAsNew"`,
  ].join(' AND ');
}

/** The most recent runs of the connection, newest first. */
export async function recentRuns(
  client: Client,
  taskQueue: string,
  connectionId: string,
  limit = 10,
): Promise<RunView[]> {
  const infos: WorkflowExecutionInfo[] = [];
  for await (const wf of client.workflow.list({ query: listQuery(taskQueue, connectionId), pageSize: limit })) {
    infos.push(wf);
    if (infos.length >= limit) break;
  }
  infos.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  return Promise.all(infos.map((info) => view(client, info)));
}

async function view(client: Client, info: WorkflowExecutionInfo): Promise<RunView> {
  const kind: RunKind = info.type === 'backfill' ? 'backfill' : 'reconcile';
  const status = info.status.name;
  const state: RunView['state'] =
    status === 'RUNNING'
      ? 'running'
      : status === 'COMPLETED'
        ? 'done'
        : status === 'CANCELLED'
          ? 'cancelled'
          : status === 'TERMINATED'
            ? 'stopped'
            : 'failed';
  const handle = client.workflow.getHandle(info.workflowId, info.runId);
  let progress: BackfillProgress | ReconcileProgress | null = null;
  if (state === 'running') {
    progress = await withTimeout<BackfillProgress | ReconcileProgress>(
      kind === 'backfill' ? handle.query(backfillProgressQuery) : handle.query(reconcileProgressQuery),
    );
  } else if (state === 'done') {
    progress = await withTimeout(handle.result() as Promise<BackfillProgress | ReconcileProgress>);
  }
  const backfill = kind === 'backfill' ? (progress as BackfillProgress | null) : null;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    kind,
    dryRun: kind === 'backfill' && info.workflowId.endsWith(':dry-run'),
    full: kind === 'reconcile' && info.workflowId.startsWith('reconcile-full'),
    manual: kind === 'backfill' || info.workflowId.endsWith(':manual'),
    // A backfill's own start survives continue-as-new; the execution's start does not.
    state: backfill?.cancelled && state === 'done' ? 'cancelled' : state,
    startedAt: backfill?.startedAt ? new Date(backfill.startedAt) : info.startTime,
    endedAt: info.closeTime ?? null,
    backfill,
    reconcile: kind === 'reconcile' ? (progress as ReconcileProgress | null) : null,
  };
}

async function withTimeout<T>(p: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), QUERY_TIMEOUT_MS);
      }),
    ]);
  } catch {
    // Between runs (continue-as-new) or before the first task: no answer yet.
    return null;
  } finally {
    clearTimeout(timer);
  }
}

export type CancelResult = 'cancelling' | 'not_running' | 'unknown_run';

/**
 * Stops a running import or repair pass of this connection: the backfill through its `cancel` signal
 * (contacts already handed over finish their sync), a repair pass by cancelling it.
 */
export async function cancelRun(
  client: Client,
  taskQueue: string,
  connectionId: string,
  workflowId: string,
): Promise<CancelResult> {
  const handle = client.workflow.getHandle(workflowId);
  let info: WorkflowExecutionDescription;
  try {
    info = await handle.describe();
  } catch {
    return 'unknown_run';
  }
  const belongs =
    TYPES.includes(info.type) &&
    info.taskQueue === taskQueue &&
    info.typedSearchAttributes.get(ConnectionIdKey) === connectionId;
  if (!belongs) return 'unknown_run';
  if (info.status.name !== 'RUNNING') return 'not_running';
  if (info.type === 'backfill') await handle.signal(backfillCancelSignal);
  else await handle.cancel();
  return 'cancelling';
}
