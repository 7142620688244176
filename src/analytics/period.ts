/**
 * The analytics page's period: last 7, 30 or 90 days, or chosen dates, as whole days in the viewer's
 * time zone (UTC unless chosen). The store takes [from, to) as local dates (repositories/analytics.ts).
 */
export const RANGES = ['7', '30', '90', 'dates'] as const;
export type Range = (typeof RANGES)[number];

/** The longest period one can ask for (the default retention is 400 days). */
export const MAX_DAYS = 400;

export interface ChosenPeriod {
  range: Range;
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Day after the last day, YYYY-MM-DD (exclusive). */
  to: string;
  /** Last day shown to people (inclusive). */
  last: string;
  timeZone: string;
  /** Every day of the period, in order. */
  days: string[];
  /** Why the query was not taken as asked (a plain sentence), or null. */
  problem: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function validTimeZone(tz: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz) && tz !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Today's date in a time zone. */
export function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function isDate(s: string | undefined): s is string {
  return typeof s === 'string' && DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

function daysBetween(from: string, toExclusive: string): string[] {
  const out: string[] = [];
  for (let d = from; d < toExclusive && out.length <= MAX_DAYS; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Reads range, from, to (inclusive) and tz from the query; anything invalid falls back with a reason. */
export function choosePeriod(query: Record<string, unknown>, now: Date): ChosenPeriod {
  const text = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : undefined);
  const problems: string[] = [];
  let timeZone = text('tz') || 'UTC';
  if (!validTimeZone(timeZone)) {
    problems.push(`"${timeZone}" is not a time zone we know; showing UTC.`);
    timeZone = 'UTC';
  }
  const today = todayIn(timeZone, now);
  const asked = text('range');
  let range: Range = RANGES.includes(asked as Range) ? (asked as Range) : '30';
  let from: string;
  let last: string;
  if (range === 'dates') {
    const f = text('from');
    const l = text('to');
    if (isDate(f) && isDate(l) && f <= l && daysBetween(f, addDays(l, 1)).length <= MAX_DAYS) {
      from = f;
      last = l;
    } else {
      problems.push(
        `Choose a first and a last day (the first not after the last, at most ${MAX_DAYS} days); showing the last 30 days.`,
      );
      range = '30';
      from = addDays(today, -29);
      last = today;
    }
  } else {
    from = addDays(today, -(Number(range) - 1));
    last = today;
  }
  const to = addDays(last, 1);
  return {
    range,
    from,
    to,
    last,
    timeZone,
    days: daysBetween(from, to),
    problem: problems.length ? problems.join(' ') : null,
  };
}
