/**
 * PHP value semantics the real Krayin inherits from the language: truthiness, loose `==`, string
 * conversion, `json_encode` escaping and the JSON quirks of `json_decode($body, true)`.
 * The fake needs them because Krayin's observable behaviour (which system rows get written, what
 * an empty `{}` comes back as, which ids a search matches) follows directly from them.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** PHP `(bool)`: null, false, 0, 0.0, "", "0" and empty arrays are false. */
export function phpTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v !== '' && v !== '0';
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** PHP `is_numeric`: optional surrounding whitespace, sign, digits, fraction, exponent. */
export function phpIsNumeric(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'string') return false;
  return /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(v);
}

/** How PHP prints a float (precision 14) or an int. */
export function phpNumberToString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? 'INF' : n < 0 ? '-INF' : 'NAN';
  const s = String(Number.parseFloat(n.toPrecision(14)));
  return s.replace('e+', 'E+').replace('e-', 'E-');
}

/** PHP `(string)` for scalars. Arrays are the caller's problem ("Array to string conversion"). */
export function phpToString(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (v === true) return '1';
  if (typeof v === 'number') return phpNumberToString(v);
  if (typeof v === 'string') return v;
  return 'Array';
}

/** PHP `(int)` of a scalar: leading numeric prefix, else 0. */
export function phpIntCast(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const m = /^\s*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/.exec(v);
    return m?.[1] ? Math.trunc(Number(m[1])) : 0;
  }
  return 0;
}

/** Numeric value of a numeric string or number (PHP comparison rules), else null. */
function numericValue(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && phpIsNumeric(v)) return Number(v.trim());
  return null;
}

/** PHP 8 loose equality (`==`), enough for the values Krayin compares (scalars and arrays). */
export function phpLooseEq(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  // null/string pairs compare as strings; otherwise null and bool compare as booleans.
  if (a === null && typeof b === 'string') return b === '';
  if (b === null && typeof a === 'string') return a === '';
  if (a === null || b === null || typeof a === 'boolean' || typeof b === 'boolean') {
    return phpTruthy(a) === phpTruthy(b);
  }
  const aArr = Array.isArray(a) || isObject(a);
  const bArr = Array.isArray(b) || isObject(b);
  if (aArr || bArr) {
    if (!(aArr && bArr)) return false;
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const ak = Object.keys(ao);
    const bk = Object.keys(bo);
    if (ak.length !== bk.length) return false;
    return ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && phpLooseEq(ao[k], bo[k]));
  }
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'string' && typeof b === 'string') {
    const an = numericValue(a);
    const bn = numericValue(b);
    if (an !== null && bn !== null) return an === bn;
    return a === b;
  }
  // number vs string (PHP 8): numeric string compares as a number, else compare as strings.
  const num = typeof a === 'number' ? a : (b as number);
  const str = typeof a === 'string' ? a : (b as string);
  const sn = numericValue(str);
  if (sn !== null) return sn === num;
  return phpNumberToString(num) === str;
}

/** Recursively sort object keys the way `ksort` does for Krayin's string-keyed arrays. */
export function ksortRecursive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(ksortRecursive);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort(phpKeyCompare)) out[k] = ksortRecursive(v[k]);
    return out;
  }
  return v;
}

function phpKeyCompare(a: string, b: string): number {
  const an = /^-?\d+$/.test(a);
  const bn = /^-?\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * LogsActivity::decodeValueIfJson: a scalar that json_decodes to something truthy is replaced by
 * the decoded value (so the text "123" is logged as the number 123), arrays are key-sorted.
 */
export function decodeValueIfJson(value: unknown): unknown {
  let v = value === undefined ? null : value;
  if (!Array.isArray(v) && !isObject(v) && v !== null) {
    try {
      const decoded: unknown = JSON.parse(phpToString(v));
      if (phpTruthy(decoded)) v = normalizeJsonInput(decoded as Json);
    } catch {
      // not JSON: keep the scalar as it is
    }
  }
  if (!Array.isArray(v) && !isObject(v)) return v;
  return ksortRecursive(v);
}

/**
 * What `json_decode($body, true)` + `json_encode` does to a request value: `{}` becomes `[]` and
 * objects keyed "0".."n-1" become lists. Applied to every request body so echoes match Krayin.
 */
export function normalizeJsonInput(v: Json): Json {
  if (Array.isArray(v)) return v.map(normalizeJsonInput);
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return [];
    if (keys.every((k, i) => k === String(i))) return keys.map((k) => normalizeJsonInput(v[k] as Json));
    const out: Record<string, Json> = {};
    for (const k of keys) out[k] = normalizeJsonInput(v[k] as Json);
    return out;
  }
  return v;
}

/** PHP `json_encode` with default flags: escapes "/" and every non-ASCII character. */
export function phpJsonEncode(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : '0';
  if (typeof v === 'string') return encodeString(v);
  if (Array.isArray(v)) return '[' + v.map(phpJsonEncode).join(',') + ']';
  if (isObject(v)) {
    const parts = Object.keys(v).map((k) => encodeString(k) + ':' + phpJsonEncode(v[k]));
    return '{' + parts.join(',') + '}';
  }
  return 'null';
}

function encodeString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '/') out += '\\/';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Laravel `Str::snake` for the ASCII codes Krayin uses (validation messages are built from it). */
export function strSnake(value: string): string {
  if (/^[a-z0-9_.\s*-]*$/.test(value)) return value;
  const words = value.replace(/\s+/g, ' ').split(' ');
  const joined = words.map((w) => (w ? (w[0] as string).toUpperCase() + w.slice(1) : w)).join('');
  return joined.replace(/(.)(?=[A-Z])/g, '$1_').toLowerCase();
}
