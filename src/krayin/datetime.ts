/**
 * Krayin's time conventions (src/krayin/README.md §4):
 * - input datetimes are *wall time* in the server's APP_TIMEZONE; an offset or `Z` is dropped, not
 *   converted, so we must send `Y-m-d H:i:s` already converted to that zone;
 * - output timestamps are UTC ISO with microseconds (`2026-11-23T20:24:40.000000Z`);
 * - `expected_close_date` goes in as `Y-m-d` (server-local) and comes back as local midnight in UTC.
 *
 * A wall time inside a DST "fall back" hour names two instants; Krayin stores only the wall time, so
 * it reads back as the earlier one. Instants never fall into a "spring forward" gap.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallParts(instant: Date, timeZone: string): WallParts {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: parts.hour ?? NaN,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function assertValid(instant: Date): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) throw new RangeError('invalid date');
}

/** `Y-m-d H:i:s` wall time of `instant` in `timeZone`, the only datetime form Krayin reads correctly. */
export function toKrayinWallTime(instant: Date, timeZone: string): string {
  assertValid(instant);
  const p = wallParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** `Y-m-d` calendar date of `instant` in `timeZone` (e.g. "today" for Krayin's `after:yesterday` rule). */
export function toKrayinDate(instant: Date, timeZone: string): string {
  return toKrayinWallTime(instant, timeZone).slice(0, 10);
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (IST: +19 800 000). */
function offsetMs(instant: Date, timeZone: string): number {
  const p = wallParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The instant Krayin means by a wall time (`Y-m-d H:i:s` or `Y-m-d`) in `timeZone`. Inverse of
 * toKrayinWallTime; an ambiguous wall time resolves to the earlier instant, a non-existent one (DST gap)
 * to the instant one gap later.
 */
export function fromKrayinWallTime(wall: string, timeZone: string): Date {
  const m = WALL.exec(wall.trim());
  if (!m) throw new RangeError('not a Krayin wall time');
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  // Try the offsets in force just before and just after: one of them reproduces the wall time.
  const candidates = [
    naive - offsetMs(new Date(naive - 86_400_000), timeZone),
    naive - offsetMs(new Date(naive + 86_400_000), timeZone),
  ];
  const exact = candidates.filter((t) => offsetMs(new Date(t), timeZone) === naive - t).sort((a, b) => a - b);
  return new Date(exact[0] ?? Math.max(...candidates));
}

const KRAYIN_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

/** Parses Krayin's UTC output (`2026-11-23T20:24:40.000000Z`, microseconds truncated to ms). */
export function parseKrayinTimestamp(iso: string): Date {
  const m = KRAYIN_ISO.exec(iso);
  if (!m) throw new RangeError('not a Krayin UTC timestamp');
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}

/** Krayin's `expected_close_date` output (local midnight as UTC ISO) back to the `Y-m-d` it was set to. */
export function krayinDateFromOutput(iso: string, timeZone: string): string {
  return toKrayinDate(parseKrayinTimestamp(iso), timeZone);
}
