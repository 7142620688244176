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

export function redactNotificationText(text: string): string {
  return text
    .replace(URL_CREDENTIALS, '$1***@')
    .replace(AUTH_SCHEME_TOKEN, '$1 ***')
    .replace(KRAYIN_TOKEN, '***')
    .replace(SECRET_ASSIGNMENT, '$1$2***')
    .replace(EMAIL, '[email]')
    .replace(INTERNATIONAL_PHONE, '[phone]')
    .replace(NATIONAL_PHONE, '[phone]');
}
