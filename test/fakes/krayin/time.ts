/**
 * Time as Krayin handles it. The database stores wall time in APP_TIMEZONE ("Y-m-d H:i:s"),
 * responses serialise instants as ISO-8601 UTC with microseconds, and input datetimes keep their
 * wall-clock digits: an offset or "Z" is dropped, not converted (Carbon parses the string in its
 * own offset, then Eloquent formats it without converting).
 */
import { KrayinError } from './errors';

/** A wall time "Y-m-d H:i:s" in APP_TIMEZONE, as MySQL stores it. */
export type WallTime = string;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function partsInZone(epochMs: number, tz: string): Parts {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const get = (type: string) => Number(fmt.formatToParts(new Date(epochMs)).find((p) => p.type === type)?.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour') % 24, mi: get('minute'), s: get('second') };
}

function wallOf(p: Parts): WallTime {
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
}

/** Wall time in `tz` of an instant, truncated to seconds (MySQL DATETIME precision). */
export function wallFromEpoch(epochMs: number, tz: string): WallTime {
  return wallOf(partsInZone(Math.floor(epochMs / 1000) * 1000, tz));
}

export function wallNow(tz: string): WallTime {
  return wallFromEpoch(Date.now(), tz);
}

function parseWall(wall: WallTime): Parts {
  const m = /^(-?\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(wall);
  if (!m) throw new Error(`not a wall time: ${wall}`);
  return { y: +m[1]!, mo: +m[2]!, d: +m[3]!, h: +(m[4] ?? 0), mi: +(m[5] ?? 0), s: +(m[6] ?? 0) };
}

/** The instant a wall time denotes in `tz` (first occurrence when ambiguous, like PHP). */
export function epochFromWall(wall: WallTime, tz: string): number {
  const p = parseWall(wall);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  const offsetAt = (t: number) => {
    const q = partsInZone(t, tz);
    return Date.UTC(q.y, q.mo - 1, q.d, q.h, q.mi, q.s) - t;
  };
  const o1 = offsetAt(asUtc);
  let t = asUtc - o1;
  const o2 = offsetAt(t);
  if (o2 !== o1) t = asUtc - o2;
  return t;
}

/** "2026-11-23T20:31:52.000000Z" for a wall time of APP_TIMEZONE. */
export function isoFromWall(wall: WallTime, tz: string): string {
  return new Date(epochFromWall(wall, tz)).toISOString().replace(/\.\d{3}Z$/, '.000000Z');
}

/** A DATE column ("Y-m-d") serialised through Laravel's `date` cast: local midnight in UTC. */
export function isoFromDate(date: string, tz: string): string {
  return isoFromWall(`${date.slice(0, 10)} 00:00:00`, tz);
}

/** Calendar date "Y-m-d" in `tz`, `offsetDays` from today (Carbon::today()/yesterday()). */
export function dateInZone(tz: string, offsetDays = 0): string {
  const p = partsInZone(Date.now(), tz);
  const d = new Date(Date.UTC(p.y, p.mo - 1, p.d + offsetDays));
  return d.toISOString().slice(0, 10);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Carbon `format('D M d, Y')`, the label of a date attribute in system activities. */
export function dateLabel(value: string): string {
  const p = parseWall(value.slice(0, 10));
  const d = new Date(Date.UTC(p.y, p.mo - 1, p.d));
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()}`;
}

/** Carbon `format('D M d, Y H:i A')` for datetime attributes. */
export function dateTimeLabel(wall: WallTime): string {
  const p = parseWall(wall);
  const ampm = p.h < 12 ? 'AM' : 'PM';
  return `${dateLabel(wall)} ${pad(p.h)}:${pad(p.mi)} ${ampm}`;
}

/** Normalises y/m/d h:i:s with PHP-style overflow ("2030-02-30" is 2 March). */
function normalise(y: number, mo: number, d: number, h: number, mi: number, s: number): WallTime {
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return wallOf({
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
  });
}

/**
 * Eloquent's datetime cast on write (`fromDateTime(asDateTime($value))`): the wall time that gets
 * stored. Offsets are dropped, a bare date is midnight, a number is a Unix timestamp in `tz`.
 * Anything Carbon cannot parse is a 500 InvalidFormatException, as on the real server.
 */
export function wallFromInput(value: unknown, tz: string): WallTime {
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value))) {
    return wallFromEpoch(Number(value) * 1000, tz);
  }
  if (typeof value !== 'string') throw invalidFormat(String(value));
  const v = value.trim();
  const lower = v.toLowerCase();
  const relative: Record<string, number> = { today: 0, tomorrow: 1, yesterday: -1, midnight: 0 };
  if (lower === 'now') return wallNow(tz);
  if (lower in relative) return `${dateInZone(tz, relative[lower])} 00:00:00`;
  const m =
    /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      v,
    );
  if (!m) throw invalidFormat(v);
  return normalise(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
}

function invalidFormat(v: string): KrayinError {
  const first = v.length ? v[0] : '';
  return KrayinError.php(
    'Carbon\\Exceptions\\InvalidFormatException',
    `Could not parse '${v}': Failed to parse time string (${v}) at position 0 (${first}): The timezone could not be found in the database`,
    '/var/www/krayin/vendor/nesbot/carbon/src/Carbon/Traits/Creator.php',
    198,
  );
}
