/**
 * MariaDB 10.11 semantics the recorded Krayin runs on (non-strict SQL mode, utf8mb4_unicode_ci
 * for text, utf8mb4_bin for JSON columns). Filters, searches and uniqueness depend on them:
 * `?name=acme` matches "Acme" but an email LIKE is case-sensitive, and an INT column compared
 * with "3abc" matches 3.
 */
import { isObject, phpJsonEncode, phpNumberToString } from './php';

/** How a column stores and compares values. */
export type ColumnKind = 'int' | 'decimal' | 'text' | 'json' | 'datetime' | 'date';

/** Leading numeric prefix of a string as MySQL converts it (non-strict): "3abc" -> 3, "abc" -> 0. */
export function mysqlNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return 0;
  const m = /^\s*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/.exec(v);
  return m?.[1] ? Number(m[1]) : 0;
}

/** Value stored into an INT column (non-strict): rounded, '' and junk become 0. */
export function mysqlInt(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return Math.round(mysqlNumber(v));
}

/** Value stored into a DECIMAL(12,4) column, read back as Krayin returns it: "1500.0000". */
export function mysqlDecimal4(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const n = mysqlNumber(typeof v === 'number' ? v : String(v));
  const max = 99999999.9999;
  const clamped = Math.max(-max, Math.min(max, n));
  return clamped.toFixed(4);
}

/** Text as a VARCHAR/TEXT column stores it from a PHP scalar. */
export function mysqlText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? '1' : '';
  if (typeof v === 'number') return phpNumberToString(v);
  if (typeof v === 'string') return v;
  return phpJsonEncode(v);
}

/** TINYINT(1) from a PHP value. */
export function mysqlBool(v: unknown): number {
  if (v === true) return 1;
  if (v === false || v === null || v === undefined) return 0;
  return Math.round(mysqlNumber(v));
}

/** utf8mb4_unicode_ci equality: case- and accent-insensitive, trailing spaces ignored (PAD SPACE). */
export function ciEquals(a: string, b: string): boolean {
  return a.replace(/ +$/, '').localeCompare(b.replace(/ +$/, ''), 'en', { sensitivity: 'base' }) === 0;
}

export function ciCompare(a: string, b: string): number {
  return a.replace(/ +$/, '').localeCompare(b.replace(/ +$/, ''), 'en', { sensitivity: 'base' });
}

/** SQL LIKE with % and _ wildcards and backslash escapes. */
export function sqlLike(subject: string, pattern: string, caseInsensitive: boolean): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      re += escapeRegex(pattern[++i] as string);
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += escapeRegex(ch);
  }
  re += '$';
  return new RegExp(re, caseInsensitive ? 'iu' : 'u').test(subject);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text MySQL sees for a stored value (JSON columns hold PHP json_encode output). */
export function columnText(kind: ColumnKind, stored: unknown): string | null {
  if (stored === null || stored === undefined) return null;
  if (kind === 'json') return typeof stored === 'string' ? stored : phpJsonEncode(stored);
  if (typeof stored === 'number') return phpNumberToString(stored);
  if (typeof stored === 'string') return stored;
  if (Array.isArray(stored) || isObject(stored)) return phpJsonEncode(stored);
  return String(stored);
}

/** Normalises a date/datetime literal for comparison with a DATE/DATETIME column, or null. */
function dateLiteral(kind: 'date' | 'datetime', s: string): string | null {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$/.exec(s);
  if (!m) return null;
  const pad = (x: string | undefined) => (x ?? '0').padStart(2, '0');
  const date = `${m[1]}-${pad(m[2])}-${pad(m[3])}`;
  const time = `${pad(m[4])}:${pad(m[5])}:${pad(m[6])}`;
  return kind === 'date' && time === '00:00:00' ? date : `${date} ${time}`;
}

/** `column = value` (and each member of `IN (...)`) for a value that arrived as a string. */
export function sqlEquals(kind: ColumnKind, stored: unknown, value: string): boolean {
  if (stored === null || stored === undefined) return false;
  switch (kind) {
    case 'int':
    case 'decimal':
      return mysqlNumber(typeof stored === 'number' ? stored : String(stored)) === mysqlNumber(value);
    case 'text':
      return ciEquals(String(stored), value);
    case 'json':
      return columnText('json', stored) === value;
    case 'date':
    case 'datetime': {
      const lit = dateLiteral(kind, value);
      if (lit === null) return false;
      const s = String(stored);
      return kind === 'date' ? s === lit || `${s} 00:00:00` === lit : s === lit || s === `${lit} 00:00:00`;
    }
  }
}

/** `column LIKE pattern`: JSON columns are binary (case-sensitive), text columns are not. */
export function sqlLikeColumn(kind: ColumnKind, stored: unknown, pattern: string): boolean {
  const text = columnText(kind, stored);
  if (text === null) return false;
  return sqlLike(text, pattern, kind === 'text');
}

/** ORDER BY comparison: NULL sorts first ascending; text uses the case-insensitive collation. */
export function sqlCompare(kind: ColumnKind, a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  if (kind === 'int' || kind === 'decimal') return mysqlNumber(a) - mysqlNumber(b);
  const at = columnText(kind, a) ?? '';
  const bt = columnText(kind, b) ?? '';
  if (kind === 'text') return ciCompare(at, bt);
  return at < bt ? -1 : at > bt ? 1 : 0;
}

/** How a value is shown inside the SQL text of a QueryException (Laravel's toRawSql-ish). */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return phpNumberToString(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'string') return v;
  return phpJsonEncode(v);
}
