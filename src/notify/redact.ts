/**
 * Second line of defence for "no secrets or contact PII in notifications". Callers pass ids, counts and
 * route templates; this masks what may still slip through free text (Krayin error messages, exception
 * texts): credentials in URLs, bearer/basic tokens, Krayin API tokens, emails and phone numbers.
 * Plain digit runs stay: they are ids and counts the operator needs.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;
const AUTH_SCHEME_TOKEN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
/** Krayin Sanctum tokens: "<id>|<secret>". */
const KRAYIN_TOKEN = /\b\d+\|[A-Za-z0-9]{8,}/g;
const SECRET_ASSIGNMENT = /\b(token|secret|password|passwd|api[_-]?key|access[_-]?token)(\s*[=:]\s*)[^\s,;&]+/gi;
/** The local part excludes "/" and "*", so a masked URL ("https://***@host") is not taken for an email. */
const EMAIL = /[^\s@"'<>()[\],;:/*]+@[^\s@"'<>()[\],;:/]+\.[^\s@"'<>()[\],;:/]+/g;
/** "+<digits>" with separators: international numbers. */
const INTERNATIONAL_PHONE = /\+\d[\d\s().-]{5,}\d/g;
/** "(555) 123-4567", "555-123-4567", "06 1234 5678"; not dates (last group >= 3 digits) or dotted IPs. */
const NATIONAL_PHONE = /(?<![\w.+])(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{2,4}[\s.-]\d{3,4}(?!\w|\.\d)/g;

/**
 * Id-shaped tokens the phone patterns must not cut into: UUIDs (delivery and run ids, whose digit groups
 * look like "2222-4333-8444"), and hyphen/underscore-joined tokens with a letter ("msg-2024-1234-5678").
 * The capture group makes `split` return them at the odd indexes.
 */
const ID_TOKEN =
  /(\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+\b)/i;

export function redactNotificationText(text: string): string {
  const masked = text
    .replace(URL_CREDENTIALS, '$1***@')
    .replace(AUTH_SCHEME_TOKEN, '$1 ***')
    .replace(KRAYIN_TOKEN, '***')
    .replace(SECRET_ASSIGNMENT, '$1$2***')
    .replace(EMAIL, '[email]');
  return masked
    .split(ID_TOKEN)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(INTERNATIONAL_PHONE, '[phone]').replace(NATIONAL_PHONE, '[phone]'),
    )
    .join('');
}
