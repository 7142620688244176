/**
 * Text clean-up and Krayin length limits. MySQL with strict=false silently truncates over-long strings
 * (src/krayin/README.md §13), so we truncate ourselves: predictable, and the hash matches what is stored.
 */

/** varchar(255): person/organization name, job_title, lead title. MySQL counts characters (code points). */
export const VARCHAR_MAX_CHARS = 255;
/** TEXT columns (lead description, custom text attribute values) hold 65,535 bytes. */
export const TEXT_MAX_BYTES = 65_535;

// C0/C1 control characters other than tab, newline and carriage return: never meaningful in CRM fields.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Single-line text: control characters dropped, runs of whitespace collapsed to one space, trimmed. */
export function singleLine(value: string): string {
  return value.replace(CONTROL_CHARS, '').replace(/\s+/g, ' ').trim();
}

/** Multi-line text: control characters dropped, line breaks kept, trimmed. */
export function multiLine(value: string): string {
  return value.replace(CONTROL_CHARS, '').replace(/\r\n?/g, '\n').trim();
}

/** At most `max` code points (never splits a surrogate pair); trailing whitespace left by the cut is removed. */
export function truncateChars(value: string, max: number = VARCHAR_MAX_CHARS): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  return chars.slice(0, max).join('').trimEnd();
}

/** At most `maxBytes` bytes of UTF-8 without splitting a character. */
export function truncateUtf8(value: string, maxBytes: number = TEXT_MAX_BYTES): string {
  let bytes = 0;
  let end = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) return value.slice(0, end).trimEnd();
    bytes += size;
    end += ch.length;
  }
  return value;
}

/** A Chatwoot scalar as text (numbers and booleans too); null for absent and non-scalar values. */
export function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}
