/**
 * Creates, updates or deletes each connection's reconciliation Schedules at start, from
 * RECONCILE_SCHEDULE (src/reconcile/schedule-spec.ts). Idempotent, and safe when several replicas
 * start at once (a lost create race becomes an update). Overlap policy SKIP: a pass still running when
 * the next is due makes the next one be skipped, never stacked.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
  type ScheduleSpec,
} from '@temporalio/client';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import type { Logger } from '../logging';
import { ConnectionIdKey } from '../../workflows/search-attributes';
import { reconcile } from '../../workflows/reconcile';
import { reconcileScheduleId, type ReconcileInput, type ReconcileMode } from '../../workflows/reconcile-api';
import { parseReconcileSchedule, type ScheduleWhen } from './schedule-spec';

const MODES: readonly ReconcileMode[] = ['incremental', 'full'];

export interface ScheduleChange {
  scheduleId: string;
  change: 'created' | 'updated' | 'deleted' | 'absent';
}

export async function ensureReconcileSchedules(
  client: Client,
  config: AppConfig,
  log?: Logger,
): Promise<ScheduleChange[]> {
  const changes: ScheduleChange[] = [];
  for (const connection of config.connections) {
    const wanted = parseReconcileSchedule(connection.sync.reconcile.schedule);
    for (const mode of MODES) {
      const scheduleId = reconcileScheduleId(connection.id, mode, config.temporal.taskQueue);
      // A connection disabled in the configuration has no passes: they would bypass its held events.
      const when = connection.enabled ? wanted[mode] : null;
      const change = when
        ? await upsert(client, scheduleOptions(config, connection, mode, scheduleId, when))
        : await remove(client, scheduleId);
      changes.push({ scheduleId, change });
      if (change !== 'absent') log?.info({ scheduleId, change }, 'reconciliation schedule');
    }
  }
  return changes;
}

/**
 * A connection removed without a restart (deleted in the console): its Schedules are deleted, so no
 * pass starts for a connection that no longer exists. Idempotent (every worker replica may run it).
 */
export async function removeReconcileSchedules(
  client: Client,
  connectionIds: readonly string[],
  taskQueue: string,
  log?: Logger,
): Promise<ScheduleChange[]> {
  const changes: ScheduleChange[] = [];
  for (const id of connectionIds) {
    for (const mode of MODES) {
      const scheduleId = reconcileScheduleId(id, mode, taskQueue);
      const change = await remove(client, scheduleId);
      changes.push({ scheduleId, change });
      if (change !== 'absent') log?.info({ scheduleId, change }, 'reconciliation schedule');
    }
  }
  return changes;
}

export function scheduleOptions(
  config: AppConfig,
  connection: ConnectionConfig,
  mode: ReconcileMode,
  scheduleId: string,
  when: ScheduleWhen,
): ScheduleOptions {
  const input: ReconcileInput = { connectionId: connection.id, mode };
  const spec: ScheduleSpec =
    when.kind === 'interval' ? { intervals: [{ every: when.ms }] } : { cronExpressions: [when.expression] };
  return {
    scheduleId,
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: reconcile,
      // Temporal appends the scheduled time to this id: one id per pass, derived from the schedule's.
      workflowId: scheduleId,
      taskQueue: config.temporal.taskQueue,
      args: [input],
      typedSearchAttributes: [{ key: ConnectionIdKey, value: connection.id }],
      staticSummary: `Reconciliation (${mode}) of connection ${connection.id}`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m', pauseOnFailure: false },
  };
}

async function upsert(client: Client, options: ScheduleOptions): Promise<ScheduleChange['change']> {
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(options.scheduleId).update((previous) => ({
    ...previous,
    spec: options.spec,
    action: options.action,
    policies: { ...previous.policies, ...options.policies },
  }));
  return 'updated';
}

async function remove(client: Client, scheduleId: string): Promise<ScheduleChange['change']> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return 'deleted';
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return 'absent';
    // The server answers NOT_FOUND as a gRPC error on delete in some versions.
    if ((err as { code?: unknown }).code === 5) return 'absent';
    throw err;
  }
}
