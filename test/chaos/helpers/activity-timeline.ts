/**
 * What the slowest contacts of a chaos scenario waited for, read from their workflow histories.
 *
 * A scenario that passes locally in 12 s and takes 127 s on a loaded CI machine cannot be explained
 * by its figures alone; the failure diagnostics (waitForAll) print only when it fails. This prints,
 * for the contacts that settled last, every activity with its times relative to a reference point
 * (the faults cleared), the attempt that finished it and the last failure before that attempt, so a
 * slow recovery names its cause in the CI log whether or not the test fails.
 */
import { temporal } from '@temporalio/proto';
import type { Harness } from '../../helpers/harness';
import { lastSyncedAt } from './chaos';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

export interface ActivityRun {
  activity: string;
  /** Seconds after the reference point (negative: before it). */
  scheduled: number;
  started: number | null;
  closed: number | null;
  outcome: 'completed' | 'failed' | 'timed out' | 'cancelled' | 'open';
  attempt: number | null;
  /** The failure of the attempt before the one that finished (Temporal keeps only the last). */
  lastFailure: string | null;
}

function secondsOf(e: HistoryEvent, refMs: number): number {
  const t = e.eventTime;
  const ms = Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);
  return Math.round((ms - refMs) / 100) / 10;
}

function failureText(f: temporal.api.failure.v1.IFailure | null | undefined): string | null {
  if (!f) return null;
  const type = f.applicationFailureInfo?.type ?? f.cause?.applicationFailureInfo?.type;
  const message = f.cause?.message ?? f.message ?? '';
  return `${type ? `${type}: ` : ''}${message}`.slice(0, 160);
}

/** The activities of one history, in the order scheduled. */
export function activityRuns(events: readonly HistoryEvent[], refMs: number): ActivityRun[] {
  const bySchedule = new Map<string, ActivityRun>();
  const runs: ActivityRun[] = [];
  for (const e of events) {
    const id = String(e.eventId ?? '');
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const run: ActivityRun = {
          activity: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?',
          scheduled: secondsOf(e, refMs),
          started: null,
          closed: null,
          outcome: 'open',
          attempt: null,
          lastFailure: null,
        };
        bySchedule.set(id, run);
        runs.push(run);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const a = e.activityTaskStartedEventAttributes;
        const run = bySchedule.get(String(a?.scheduledEventId ?? ''));
        if (!run) break;
        run.started = secondsOf(e, refMs);
        run.attempt = a?.attempt ?? null;
        run.lastFailure = failureText(a?.lastFailure);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const a =
          e.activityTaskCompletedEventAttributes ??
          e.activityTaskFailedEventAttributes ??
          e.activityTaskTimedOutEventAttributes ??
          e.activityTaskCanceledEventAttributes;
        const run = bySchedule.get(String(a?.scheduledEventId ?? ''));
        if (!run) break;
        run.closed = secondsOf(e, refMs);
        run.outcome =
          e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
            ? 'completed'
            : e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
              ? 'failed'
              : e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
                ? 'timed out'
                : 'cancelled';
        if (e.activityTaskFailedEventAttributes)
          run.lastFailure = failureText(e.activityTaskFailedEventAttributes.failure);
        break;
      }
    }
  }
  return runs;
}

/**
 * Prints `CHAOS-SLOWEST {"scenario":...,"contact":...,"activities":[...]}` for the `count` contacts
 * whose last sync came latest, with times relative to `refMs`. Activities that ended before the
 * reference point and needed one attempt are left out: they did not delay the recovery.
 */
export async function reportSlowest(
  h: Harness,
  scenario: string,
  ids: number[],
  refMs: number,
  count = 3,
): Promise<void> {
  const synced = await Promise.all(ids.map(async (id) => ({ id, at: (await lastSyncedAt(h, id)) ?? 0 })));
  const slowest = synced.sort((a, b) => b.at - a.at).slice(0, count);
  for (const { id, at } of slowest) {
    try {
      const history = await h.handle(id).fetchHistory();
      const runs = activityRuns(history.events ?? [], refMs).filter(
        (r) => r.closed === null || r.closed > 0 || (r.attempt ?? 1) > 1,
      );
      console.log(
        `CHAOS-SLOWEST ${JSON.stringify({ scenario, contact: id, syncedAfterSeconds: Math.round((at - refMs) / 100) / 10, activities: runs })}`,
      );
    } catch (err) {
      console.log(`CHAOS-SLOWEST ${JSON.stringify({ scenario, contact: id, error: (err as Error).message })}`);
    }
  }
}
