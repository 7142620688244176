/**
 * Phone normalisation. Chatwoot stores non-blank phones as E.164 ("+<digits>"), but a field map can
 * point at any attribute, so parse with libphonenumber and keep the raw value when that fails: a
 * number the sales team can read beats a dropped one.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { scalarText } from './text';

/** E.164 when parseable, else null. No default country: numbers without "+<country code>" do not parse. */
export function toE164(raw: unknown): string | null {
  const text = scalarText(raw)?.trim() ?? '';
  if (text === '') return null;
  const parsed = parsePhoneNumberFromString(text);
  return parsed?.isPossible() ? parsed.number : null;
}

/** E.164 when parseable, else the trimmed raw value; null when absent. */
export function normalizePhone(raw: unknown): string | null {
  const text = scalarText(raw)?.trim() ?? '';
  if (text === '') return null;
  return toE164(text) ?? text;
}

/** Only the digits ("+49 151 1234" -> "491511234"): placeholder emails and loose matching use this. */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}
