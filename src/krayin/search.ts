/**
 * Building Krayin person searches and post-filtering their results (src/krayin/README.md §6).
 *
 * `GET /contacts/persons/search?search=emails:<v>&searchFields=emails:like` runs
 * `emails LIKE '%<v>%'` on the raw JSON text of the column: a case-sensitive *substring* match
 * (jane@x.com also finds mary.jane@x.com), so every result is post-filtered exactly.
 *
 * The search term must be a substring of what MySQL stores, and must survive prettus' parser:
 * - `:` and `;` split prettus' `search` parameter, so they cannot be sent;
 * - PHP's json_encode stores `"`, `\`, `/` and every non-ASCII character escaped (`\/`, `\u00e9`), so a
 *   term containing them never matches the stored text.
 * For such emails we send the longest run of safe characters instead (still a substring of the stored
 * text, hence a superset of the real matches) and rely on the post-filter. `%` and `_` are LIKE
 * wildcards: harmless, they only widen the superset.
 */
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js';
import type { KrayinPerson } from './api';

/** Characters that reach MySQL's LIKE unchanged: printable ASCII minus `:;"\/`. */
const UNSAFE = /[^\x21-\x7e]|[:;"\\/]/;

/** The longest run of characters from `value` that can be searched for safely (see file comment). */
export function safeSearchTerm(value: string): string {
  const runs = value.trim().split(new RegExp(UNSAFE.source, 'g'));
  return runs.reduce((best, run) => (run.length > best.length ? run : best), '');
}

/**
 * The one search that finds an email in any letter case: its shape, every ASCII letter replaced by
 * LIKE's one-character wildcard `_`, between the quotes of the JSON string it is stored in
 * (`jane.x@example.com` -> `"____._@_______.___"`). Krayin's LIKE on the JSON text is case-sensitive and
 * sales type emails as they like (`Jane.X@Example.COM`), so a lower-case term misses them and a second
 * person would be created; the shape matches every case variant (and other emails of the same shape,
 * which the post-filter drops). The quotes make it match whole values only, which keeps the result
 * small. An email with characters that cannot be searched (see above) gets the shape of its longest
 * safe run, without the quotes. Null when nothing can be searched.
 */
export function emailShapeTerm(email: string): string | null {
  const trimmed = email.trim();
  const run = safeSearchTerm(trimmed);
  if (run === '') return null;
  const shape = run.replace(/[A-Za-z]/g, '_');
  return run === trimmed ? `"${shape}"` : shape;
}

/**
 * Search terms for one email: as given and lower-cased (Krayin's LIKE is case-sensitive; our mapper
 * writes lower-case, a human in Krayin's UI may not). Deduplicated, empty terms dropped.
 */
export function emailSearchTerms(email: string): string[] {
  const terms = [safeSearchTerm(email), safeSearchTerm(email.toLowerCase())];
  return [...new Set(terms)].filter((t) => t !== '');
}

function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** Exact, case-insensitive: does this person have `email` among their emails? */
export function personHasEmail(person: KrayinPerson, email: string): boolean {
  const wanted = normalizeEmail(email);
  return (person.emails ?? []).some((e) => normalizeEmail(e.value) === wanted);
}

/** How to find a phone number in Krayin: the LIKE term to send, and the exact test for results. */
export interface PhoneSearch {
  /** Digits only: the national significant number when the input parses, else all its digits. */
  term: string;
  matches(storedValue: string): boolean;
}

const digitsOf = (s: string) => s.replace(/\D/g, '');

/**
 * Krayin stores phones as typed (`+31 6 1234 5678`, `06-12345678`, `+31612345678`). We search for the
 * national number's digits (matches every unformatted variant, with or without country or trunk prefix)
 * and accept a stored value when it parses to the same E.164 number, reading national formats in the
 * query's country; values that do not parse are compared by their digits.
 */
export function phoneSearch(phone: string): PhoneSearch {
  const query = parsePhoneNumberFromString(phone.trim());
  const allDigits = digitsOf(phone);
  if (!query) {
    return { term: allDigits, matches: (stored) => allDigits !== '' && digitsOf(stored) === allDigits };
  }
  const e164 = query.number;
  const national = query.nationalNumber;
  const acceptableDigits = new Set([digitsOf(e164), national, `0${national}`, `00${digitsOf(e164)}`]);
  return {
    term: national,
    matches(stored: string): boolean {
      const parsed: PhoneNumber | undefined = parsePhoneNumberFromString(stored, {
        defaultCountry: query.country,
        defaultCallingCode: query.countryCallingCode,
      });
      if (parsed) return parsed.number === e164;
      return acceptableDigits.has(digitsOf(stored));
    },
  };
}

/** Does this person have a phone number equal to the search's number? */
export function personHasPhone(person: KrayinPerson, search: PhoneSearch): boolean {
  return (person.contact_numbers ?? []).some((n) => n.value.trim() !== '' && search.matches(n.value));
}

/** Exact, case-insensitive organization name comparison (Krayin's collation is case-insensitive). */
export function sameOrganizationName(a: string | null, b: string): boolean {
  if (a === null) return false;
  const norm = (s: string) => s.trim().normalize('NFC').toLowerCase();
  return norm(a) === norm(b);
}

/**
 * Krayin's index filters split the value at commas (`WHERE name IN ('Smith', 'Jones & Co')`), so such
 * names cannot be filtered server-side; nor can an empty one (the filter would be dropped or match '').
 */
export function nameNeedsClientSideFilter(name: string): boolean {
  return name.includes(',') || name.trim() === '';
}
