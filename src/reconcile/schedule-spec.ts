/**
 * RECONCILE_SCHEDULE: when a connection's reconciliation passes run (docs/reconciliation.md).
 *
 *   off                                   no schedule (an existing one is deleted at start)
 *   incremental=<when>;full=<when>        both passes; either part may be `off` or left out (= off)
 *   <when>                                shorthand for `incremental=<when>;full=off`
 *
 * <when> is an interval (`30m`, `1h`, `2d`; a whole number of s, m, h or d, at least 1 minute) or a
 * five-field cron expression in UTC (`0 3 * * *`). Temporal Schedules take both as they are.
 * Pure: used by the config schema (validation) and by the schedule setup at start.
 */

export const DEFAULT_RECONCILE_SCHEDULE = 'incremental=1h;full=0 3 * * *';

export type ScheduleWhen = { kind: 'interval'; every: string; ms: number } | { kind: 'cron'; expression: string };

export interface ReconcileSchedule {
  incremental: ScheduleWhen | null;
  full: ScheduleWhen | null;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const CRON_FIELD = /^[\d*,/-]+$/;

/** Parses a RECONCILE_SCHEDULE value; throws an Error with a value-free message when it is not valid. */
export function parseReconcileSchedule(raw: string): ReconcileSchedule {
  const text = raw.trim();
  if (text === '' || text.toLowerCase() === 'off') return { incremental: null, full: null };
  if (!text.includes('=')) return { incremental: parseWhen(text, 'the schedule'), full: null };
  const out: ReconcileSchedule = { incremental: null, full: null };
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (eq < 0 || (key !== 'incremental' && key !== 'full')) {
      throw new Error('must be "off", an interval or cron, or "incremental=<when>;full=<when>"');
    }
    out[key] = value.toLowerCase() === 'off' ? null : parseWhen(value, key);
  }
  return out;
}

function parseWhen(value: string, what: string): ScheduleWhen {
  const interval = /^(\d+)\s*([smhd])$/i.exec(value);
  if (interval) {
    const ms = Number(interval[1]) * UNIT_MS[interval[2]!.toLowerCase()]!;
    if (ms < 60_000) throw new Error(`${what}: an interval must be at least 1m`);
    return { kind: 'interval', every: `${interval[1]}${interval[2]!.toLowerCase()}`, ms };
  }
  const fields = value.split(/\s+/);
  if (fields.length === 5 && fields.every((f) => CRON_FIELD.test(f)))
    return { kind: 'cron', expression: fields.join(' ') };
  throw new Error(`${what}: must be an interval such as 1h or a five-field cron expression such as "0 3 * * *"`);
}
