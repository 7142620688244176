/**
 * Krayin's column limits (src/krayin/README.md §13). MySQL runs with strict=false there, so an over-long value
 * is silently cut by the database, possibly mid-character; we cut first, on a code-point boundary.
 * - varchar(255) counts characters (code points in utf8mb4): person/organization name, job_title,
 *   lead title, activity title and location.
 * - text counts bytes (65 535 of UTF-8): lead description, activity comment.
 */

export const VARCHAR_MAX_CHARS = 255;
export const TEXT_MAX_BYTES = 65_535;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Replaces unpaired UTF-16 surrogates with U+FFFD. JSON.stringify would send them as `\udXXX`, which
 * PHP's json_decode rejects, so Krayin would see an empty request body.
 */
export function toWellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** At most `maxChars` code points (never splits a surrogate pair). */
export function truncateChars(s: string, maxChars: number = VARCHAR_MAX_CHARS): string {
  const clean = toWellFormed(s);
  if (clean.length <= maxChars) return clean; // UTF-16 length >= code points: nothing to cut
  let units = 0;
  let count = 0;
  for (const ch of clean) {
    if (count === maxChars) break;
    units += ch.length;
    count++;
  }
  return clean.slice(0, units);
}

const encoder = new TextEncoder();

/** At most `maxBytes` bytes of UTF-8, cut on a code-point boundary. */
export function truncateUtf8Bytes(s: string, maxBytes: number = TEXT_MAX_BYTES): string {
  const clean = toWellFormed(s);
  if (clean.length * 3 <= maxBytes) return clean; // every UTF-16 unit is at most 3 UTF-8 bytes
  const buf = new Uint8Array(maxBytes);
  // encodeInto writes whole code points only; `read` counts the UTF-16 units consumed.
  const { read } = encoder.encodeInto(clean, buf);
  return clean.slice(0, read);
}

/**
 * Like truncateUtf8Bytes, for HTML that Krayin renders (lead description, activity comment): when a cut
 * was needed, a dangling partial tag (`<a hr`) or entity (`&am`) at the end is dropped as well.
 */
export function truncateHtmlBytes(s: string, maxBytes: number = TEXT_MAX_BYTES): string {
  const cut = truncateUtf8Bytes(s, maxBytes);
  if (cut.length === toWellFormed(s).length) return cut;
  return cut.replace(/<[^>]*$/, '').replace(/&#?[A-Za-z0-9]*$/, '');
}

/** Truncates a nullable varchar value; undefined/null pass through. */
export function varchar<T extends string | null | undefined>(s: T): T {
  return (typeof s === 'string' ? truncateChars(s) : s) as T;
}

/** Truncates a nullable HTML text value; undefined/null pass through. */
export function htmlText<T extends string | null | undefined>(s: T): T {
  return (typeof s === 'string' ? truncateHtmlBytes(s) : s) as T;
}
