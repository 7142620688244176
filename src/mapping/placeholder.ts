/**
 * Placeholder emails for email-less contacts (WhatsApp, SMS) under the "placeholder" policy: Krayin
 * requires an email on every person. Built from the phone digits when there is a phone, else from a
 * hash of the Chatwoot identifier (stable, and it does not spell out the identifier).
 */
import { isKrayinEmail } from './email';
import { phoneDigits } from './phone';
import { sha256Hex } from './sha256';

/** `<phone digits>@<domain>` or `chatwoot-<24 hex of sha256(identifier)>@<domain>`; null if neither exists. */
export function placeholderEmail(phones: readonly string[], identifier: string | null, domain: string): string | null {
  const host = domain.trim().toLowerCase();
  for (const phone of phones) {
    const digits = phoneDigits(phone);
    if (digits !== '' && digits.length <= 64) {
      const email = `${digits}@${host}`;
      if (isKrayinEmail(email)) return email;
    }
  }
  const id = identifier?.trim() ?? '';
  if (id !== '') {
    const email = `chatwoot-${sha256Hex(id).slice(0, 24)}@${host}`;
    if (isKrayinEmail(email)) return email;
  }
  return null;
}
