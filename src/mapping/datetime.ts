/**
 * Dates for Krayin's `date` (Y-m-d) and `datetime` (Y-m-d H:i:s) attributes. Krayin drops any offset
 * and reads wall time in its APP_TIMEZONE (src/krayin/README.md §4), so instants are converted to wall time
 * in the connection's Krayin time zone. Pure: own parser (Date.parse depends on the host zone for
 * offset-less strings), Intl for the zone conversion.
 */

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface WallTime extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

/** What a Chatwoot value says about time: a calendar date, or an instant (epoch milliseconds). */
export type ParsedTime = { kind: 'date'; date: CalendarDate } | { kind: 'instant'; epochMs: number };

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Accepts `YYYY-MM-DD`, ISO-8601 date-times (`T` or space; an offset-less one is taken as UTC) and
 * epoch numbers (seconds below 1e11, else milliseconds, as Chatwoot uses seconds). null otherwise.
 */
export function parseTime(raw: unknown): ParsedTime | null {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return null;
    const epochMs = Math.abs(raw) < 1e11 ? raw * 1000 : raw;
    return inSupportedRange(epochMs) ? { kind: 'instant', epochMs: Math.round(epochMs) } : null;
  }
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  const d = DATE_ONLY.exec(text);
  if (d) {
    const date = { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]) };
    return isValidDate(date) ? { kind: 'date', date } : null;
  }
  const t = DATE_TIME.exec(text);
  if (!t) return null;
  const wall: WallTime = {
    year: Number(t[1]),
    month: Number(t[2]),
    day: Number(t[3]),
    hour: Number(t[4]),
    minute: Number(t[5]),
    second: Number(t[6] ?? 0),
  };
  if (!isValidDate(wall) || wall.hour > 23 || wall.minute > 59 || wall.second > 59) return null;
  const millis = Math.floor(Number(`0.${t[7] ?? '0'}`) * 1000);
  const offsetMinutes = parseOffset(t[8]);
  if (offsetMinutes === null) return null;
  const epochMs =
    Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, millis) - offsetMinutes * 60_000;
  return inSupportedRange(epochMs) ? { kind: 'instant', epochMs } : null;
}

/**
 * Krayin `Y-m-d`. An instant at exactly 00:00:00 UTC is read as that calendar date: Chatwoot's
 * dashboard stores date attributes that way, and converting it would shift the date west of UTC.
 */
export function toKrayinDate(parsed: ParsedTime, timeZone: string): string {
  if (parsed.kind === 'date') return formatDate(parsed.date);
  if (parsed.epochMs % DAY_MS === 0) return formatDate(utcDate(parsed.epochMs));
  return formatDate(wallTimeIn(parsed.epochMs, timeZone));
}

/** Krayin `Y-m-d H:i:s` wall time in `timeZone`; a bare date is local midnight. */
export function toKrayinDateTime(parsed: ParsedTime, timeZone: string): string {
  if (parsed.kind === 'date') return `${formatDate(parsed.date)} 00:00:00`;
  const w = wallTimeIn(parsed.epochMs, timeZone);
  return `${formatDate(w)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock time of an instant in an IANA zone (throws RangeError for an unknown zone). */
export function wallTimeIn(epochMs: number, timeZone: string): WallTime {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function utcDate(epochMs: number): CalendarDate {
  const d = new Date(epochMs);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function parseOffset(offset: string | undefined): number | null {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function isValidDate({ year, month, day }: CalendarDate): boolean {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** MySQL DATE/DATETIME hold years 1000-9999; keep a day's margin for zone shifts. */
function inSupportedRange(epochMs: number): boolean {
  return epochMs >= Date.UTC(1000, 0, 2) && epochMs < Date.UTC(9999, 11, 31);
}

function formatDate({ year, month, day }: CalendarDate): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
