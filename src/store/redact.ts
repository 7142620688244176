/**
 * Last line of defence for the "no PII in the store" rule. Callers are meant to pass ids, route
 * templates and field names only, but Krayin error texts and notes are free text; an email address or
 * an international phone number that slips into one is masked before it is written.
 */
const EMAIL = /[^\s@"'<>()[\],;:]+@[^\s@"'<>()[\],;:]+\.[^\s@"'<>()[\],;:]+/g;
// Only "+<digits>" shapes: plain digit runs are ids and counts, which must stay readable.
const INTERNATIONAL_PHONE = /\+\d[\d\s().-]{5,}\d/g;

export function redactText(text: string): string {
  return text.replace(EMAIL, '[redacted-email]').replace(INTERNATIONAL_PHONE, '[redacted-phone]');
}

/** Deep copy of a JSON-like value with every string (keys included) passed through redactText. */
export function redactJson<T>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k), redactValue(v)]));
  }
  return value;
}
